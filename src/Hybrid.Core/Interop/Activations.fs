namespace Hybrid.Core.Interop

open System
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// One entry of the activation registry (`Activation.all`) as plain data for C#: its names in every
/// table (the core's case, the model file's, the command line's and the playground's), its explain
/// panel's title and formula, its hyper-parameter's name and default, and a maker. Course: S04.
[<Sealed; AllowNullLiteral>]
type ActivationCase internal (entry: ActivationEntry) =
    /// The core's case name and the façade's property: "LeakyReLU".
    member _.CaseName : string = entry.Case

    /// The model file's name: "leakyRelu" (docs/model-format.md).
    member _.FileName : string = entry.File

    /// The command line's and the playground's name: "leaky-relu".
    member _.CliName : string = entry.Cli

    /// The explain panel's title: "Leaky ReLU".
    member _.Display : string = entry.Display

    /// g and g′ in one line (the explain panel, docs/activations.md).
    member _.Formula : string = entry.Formula

    /// The course items that teach it: "S04".
    member _.Course : string = entry.Course

    /// The hyper-parameter's name ("slope" for leaky ReLU, "alpha" for PReLU and ELU), or null.
    member _.ParameterName : string =
        match entry.Parameter with
        | Some p -> p.Name
        | None -> null

    /// The hyper-parameter's default in the façade and the CLI (0.01, 0.25, 1), or null.
    member _.DefaultParameter : Nullable<float> =
        match entry.Parameter with
        | Some p -> Nullable p.Default
        | None -> Nullable()

    /// Whether it acts entry by entry (false for softmax and log-softmax, which act per row).
    member _.IsElementwise : bool = entry.Elementwise

    /// The activation with hyper-parameter `parameter` (ignored without one), validated:
    /// ArgumentException naming `paramName` when the parameter is out of range.
    member _.Create(parameter: float, paramName: string) : Activation =
        let g = entry.Make parameter
        Activation.validate paramName g
        g

    /// The activation with its default hyper-parameter (if it has one).
    member this.CreateDefault() : Activation =
        this.Create((match entry.Parameter with Some p -> p.Default | None -> 0.0), "activation")

/// The registry's entries as ActivationCase, made once.
module internal ActivationCases =
    let cases : ActivationCase[] = Activation.all |> List.map ActivationCase |> Array.ofList

    let find (key: ActivationCase -> string) (name: string) : ActivationCase =
        cases |> Array.tryFind (fun c -> String.Equals(key c, name, StringComparison.Ordinal)) |> Option.toObj

/// The core's activations for C#: made and read by name, no union case in the caller. Every table
/// here is read from the registry `Activation.all`, so a new activation needs no line in this file.
/// Course: S04. Checked by: InteropSurfaceTests, ActivationRegistryTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Activations =
    /// Every activation, in the registry's order (the order the façade, the CLI and the docs list them).
    static member All : ActivationCase[] = Array.copy ActivationCases.cases

    /// The case names Create accepts, in the registry's order.
    static member CaseNames : string[] = ActivationCases.cases |> Array.map (fun c -> c.CaseName)

    /// The model file's names of every activation, in the registry's order.
    static member FileNames : string[] = ActivationCases.cases |> Array.map (fun c -> c.FileName)

    /// The activation whose case name is `caseName` ("LeakyReLU"), or null.
    static member OfCaseName(caseName: string) : ActivationCase = ActivationCases.find (fun c -> c.CaseName) caseName

    /// The activation whose model-file name is `fileName` ("leakyRelu"; exact spelling), or null.
    static member OfFileName(fileName: string) : ActivationCase = ActivationCases.find (fun c -> c.FileName) fileName

    /// The registry entry of g.
    static member Of(g: Activation) : ActivationCase = Activations.OfCaseName(Activation.caseName g)

    /// The activation of case `caseName` with parameter `parameter` (LeakyReLU's slope, PReLU's and
    /// ELU's α; ignored otherwise), validated: ArgumentException naming `paramName` when the
    /// parameter is out of range, or naming "caseName" for an unknown case.
    static member Create(caseName: string, parameter: float, paramName: string) : Activation =
        match Activations.OfCaseName caseName with
        | null -> raise (ArgumentException(sprintf "Unknown activation '%s'." caseName, "caseName"))
        | c -> c.Create(parameter, paramName)

    /// The case name of g ("LeakyReLU" for LeakyReLU(0.01)).
    static member CaseName(g: Activation) : string = Activation.caseName g

    /// A readable name such as "ReLU" or "LeakyReLU(0.01)".
    static member Name(g: Activation) : string = Activation.name g

    /// The case's parameter (LeakyReLU slope, PReLU α, ELU α), or null for a case without one.
    static member Parameter(g: Activation) : Nullable<float> = Option.toNullable (Activation.parameter g)

    /// g′(z) entry by entry, z one row (the core's Activation.derivative; ArgumentException for
    /// softmax, whose derivative is a Jacobian per row). Course: S04.
    static member Derivative(g: Activation, z: float[]) : float[] =
        if isNull z then nullArg "z"
        if z.Length = 0 then [||] else (Mat.toRows (Activation.derivative g (Mat.row z))).[0]

    /// g(z) for the one row z (element-wise; row-wise for softmax). Course: S04.
    static member Apply(g: Activation, z: float[]) : float[] =
        if isNull z then nullArg "z"
        if z.Length = 0 then [||] else (Mat.toRows (Activation.forward g (Mat.row z))).[0]
