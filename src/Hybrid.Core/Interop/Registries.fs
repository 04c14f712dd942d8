namespace Hybrid.Core.Interop

open Hybrid.Core

/// One row of a core name table (InitializerRegistry, UpdateRuleRegistry, ScheduleRegistry) for
/// C#: its names, the explain panel's title and formula, the façade expression that makes it, and
/// the core value it stands for with its default hyper-parameters (null for the per-layer default
/// initialiser). Course: S27, S28, S31.
[<Sealed; AllowNullLiteral>]
type NamedEntry<'T> internal (entry: Named<'T>) =
    /// The name on the command line.
    member _.Cli : string = entry.Cli
    /// The name in the playground's menu, or null when the playground does not offer it.
    member _.Playground : string = defaultArg entry.Playground null
    /// The explain panel's title: the display name and the defaults.
    member _.Title : string = Named.title entry
    /// The explain panel's one-line formula.
    member _.Formula : string = entry.Formula
    /// The façade expression "Copy as C#" writes ("{0}" the learning rate or seed, "{0}", "{1}", ... a schedule's parameters).
    member _.CSharp : string = entry.CSharp
    /// The hyper-parameters' names, in the order of the façade factory's parameters.
    member _.ParameterNames : string[] = entry.Parameters |> List.map (fun p -> p.Name) |> Array.ofList
    /// The hyper-parameters' defaults.
    member _.Defaults : float[] = entry.Parameters |> List.map (fun p -> p.Default) |> Array.ofList
    /// The core value with the default hyper-parameters.
    member _.Default : 'T = Named.defaultValue entry

/// The core's name tables for C# (the command line, the playground). Course: S27, S28, S31.
/// Checked by: RegistryTests (tests/Hybrid.Cli.Tests).
[<AbstractClass; Sealed>]
type Registries =
    /// The initialisers (InitializerRegistry.all); Default is null for the per-layer default.
    static member Initializers : NamedEntry<Initializer>[] =
        InitializerRegistry.all
        |> List.map (fun e ->
            NamedEntry<Initializer>(
                { Make = (fun h -> match e.Make h with Some init -> init | None -> Unchecked.defaultof<Initializer>)
                  Parameters = e.Parameters; Cli = e.Cli; Playground = e.Playground; Display = e.Display; Formula = e.Formula; CSharp = e.CSharp }))
        |> Array.ofList
    /// The update rules (UpdateRuleRegistry.all).
    static member UpdateRules : NamedEntry<UpdateRule>[] = UpdateRuleRegistry.all |> List.map NamedEntry<UpdateRule> |> Array.ofList
    /// The learning-rate schedules (ScheduleRegistry.all).
    static member Schedules : NamedEntry<Schedule>[] = ScheduleRegistry.all |> List.map NamedEntry<Schedule> |> Array.ofList
