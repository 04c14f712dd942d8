/// The activation registry `Activation.all` (S04) against the union it describes: each case of
/// `Activation` has exactly one entry, the entry's maker makes that case, `caseName`, `entry` and
/// `parameter` agree with it, every name table holds each name once, and a hyper-parameter's
/// default passes its own check and lies in its law range. The façade's, the model file's, the
/// CLI's and the playground's views of the registry are walked in Hybrid.Tests and
/// Hybrid.Cli.Tests (ActivationRegistryTests, ActivationRegistryCliTests).
module Hybrid.Core.Tests.ActivationRegistryTests

open Microsoft.FSharp.Reflection
open Xunit
open Hybrid.Core

/// The built-in cases: every case but UserActivation, whose entries are the users' own (Activation.register).
let private unionCases =
    FSharpType.GetUnionCases typeof<Activation> |> Array.map (fun c -> c.Name) |> Array.filter ((<>) (nameof UserActivation)) |> List.ofArray

/// A value of the entry's case, with its default hyper-parameter.
let private made (e: ActivationEntry) = e.Make (e.Parameter |> Option.map (fun p -> p.Default) |> Option.defaultValue 0.0)

[<Fact>]
let ``every union case of Activation has exactly one registry entry`` () =
    for case in unionCases do
        let entries = Activation.all |> List.filter (fun e -> e.Case = case)
        Assert.True(entries.Length = 1, sprintf "Activation.%s has %d registry entries" case entries.Length)
    for e in Activation.all do
        Assert.True(List.contains e.Case unionCases, sprintf "the entry %s names no case of Activation" e.Case)

[<Fact>]
let ``each entry makes its own case, and caseName, entry and parameter agree with it`` () =
    for e in Activation.all do
        let g = made e
        let unionCase, fields = FSharpValue.GetUnionFields(g, typeof<Activation>)
        Assert.True((unionCase.Name = e.Case), sprintf "the entry %s makes %s" e.Case (Activation.name g))
        Assert.Equal(e.Case, Activation.caseName g)
        Assert.Equal(e.Case, (Activation.entry g).Case)
        match e.Parameter with
        | Some p ->
            Assert.Equal(Some p.Default, Activation.parameter g)
            Assert.Equal<obj[]>([| box p.Default |], fields)
            Assert.True((p.Check p.Default).IsNone, sprintf "%s's default %g fails its own check" e.Case p.Default)
            let lo, hi = p.LawRange
            Assert.True(lo <= hi && (p.Check lo).IsNone && (p.Check hi).IsNone, sprintf "%s's law range has invalid ends" e.Case)
        | None ->
            Assert.Equal(None, Activation.parameter g)
            Assert.Empty(fields)

[<Fact>]
let ``every table of names holds each name once`` () =
    let tables : (string * (ActivationEntry -> string)) list =
        [ "case", (fun e -> e.Case); "model file", (fun e -> e.File); "CLI", (fun e -> e.Cli); "display", (fun e -> e.Display) ]
    for table, name in tables do
        let repeated = Activation.all |> List.countBy name |> List.filter (fun (_, n) -> n > 1) |> List.map fst
        Assert.True(List.isEmpty repeated, sprintf "%s names used twice: %A" table repeated)
