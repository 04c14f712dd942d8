/// The loss registry `Loss.all` (S18-S23) against the union it describes: each case of `Loss` has
/// exactly one entry, the entry's maker makes that case, `caseName`, `entry` and `parameter` agree
/// with it, every name table holds each name once, and the reference matrix functions and the
/// registry's kernel (the fast path's loop) agree on J and ∂J/∂Ŷ for every entry.
module Hybrid.Core.Tests.LossRegistryTests

open Microsoft.FSharp.Reflection
open Xunit
open Hybrid.Core

/// The built-in cases: every case but UserLoss, whose definitions are the users' own (Loss.define).
let private unionCases =
    FSharpType.GetUnionCases typeof<Loss> |> Array.map (fun c -> c.Name) |> Array.filter ((<>) (nameof UserLoss)) |> List.ofArray

[<Fact>]
let ``S18 every union case of Loss has exactly one registry entry`` () =
    for case in unionCases do
        let entries = Loss.all |> List.filter (fun e -> e.Case = case)
        Assert.True(entries.Length = 1, sprintf "Loss.%s has %d registry entries" case entries.Length)
    for e in Loss.all do
        Assert.True(List.contains e.Case unionCases, sprintf "the entry %s names no case of Loss" e.Case)

[<Fact>]
let ``S18 each loss entry makes its own case, and caseName, entry and parameter agree with it`` () =
    for e in Loss.all do
        let loss = Loss.withDefaults e
        let unionCase, fields = FSharpValue.GetUnionFields(loss, typeof<Loss>)
        Assert.True((unionCase.Name = e.Case), sprintf "the entry %s makes %s" e.Case (Loss.name loss))
        Assert.Equal(e.Case, Loss.caseName loss)
        Assert.Equal(e.Case, (Loss.entry loss).Case)
        match e.Parameter with
        | Some p ->
            Assert.Equal(Some p.Default, Loss.parameter loss)
            Assert.Equal<obj[]>([| box p.Default |], fields)
            Assert.True((p.Check p.Default).IsNone, sprintf "%s's default fails its own check" e.Case)
        | None ->
            Assert.Equal(None, Loss.parameter loss)
            Assert.Empty(fields)

[<Fact>]
let ``S18 every table of loss names holds each name once`` () =
    let key (s: string) = s.Replace("-", "").Replace("_", "").ToLowerInvariant()
    for table, name in [ "case", (fun (e: LossEntry) -> e.Case); "CLI", (fun e -> key e.Cli); "display", (fun e -> e.Display) ] do
        let repeated = Loss.all |> List.countBy name |> List.filter (fun (_, n) -> n > 1) |> List.map fst
        Assert.True(repeated.IsEmpty, sprintf "the %s names %A are used twice" table repeated)

[<Fact>]
let ``S18 the matrix reference and the registry kernel give the same J and gradient for every loss`` () =
    // A 3×2 batch whose targets suit every loss: one-hot rows (valid for cross-entropy, the
    // multiclass hinge and, as values in [0, 1], binary cross-entropy) or ±1 (hinge, logistic).
    let oneHot = Mat.ofRows [| [| 1.0; 0.0 |]; [| 0.0; 1.0 |]; [| 1.0; 0.0 |] |]
    let signs = Mat.ofRows [| [| 1.0; -1.0 |]; [| -1.0; 1.0 |]; [| 1.0; 1.0 |] |]
    let yhat = Mat.ofRows [| [| 0.7; 0.2 |]; [| 0.4; 0.9 |]; [| 0.35; 0.6 |] |]
    for e in Loss.all do
        let loss = Loss.withDefaults e
        let Y = match loss with Hinge | Logistic -> signs | _ -> oneHot
        let J = Loss.value loss yhat Y
        let G = Loss.gradient loss yhat Y
        let grad = Array.zeroCreate<float> 6
        let Jk = e.Kernel.ValueAndGradient(Loss.loopParameter loss, Mat.toRowMajor yhat, Mat.toRowMajor Y, grad, 3, 2)
        // Sums over six entries may be taken in another order (the matrix sum runs by columns).
        Assert.True(abs (J - Jk) <= 1e-15 * max 1.0 (abs J), sprintf "%s: J %.17g vs kernel %.17g" e.Case J Jk)
        Assert.Equal<float[]>(Mat.toRowMajor G, grad)
