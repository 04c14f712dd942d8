/// Speed benchmarks of the core (not run by the test suite; speed targets live here, not in
/// unit tests). Run: dotnet run -c Release --project tests/Hybrid.Benchmarks [-- quick]
/// Each case is warmed up (so the JIT has tiered up) and then timed over repeated runs; the
/// median is printed.
module Hybrid.Benchmarks.Program

open System
open System.Diagnostics
open Hybrid.Core

let private median (xs: float list) = (List.sort xs).[xs.Length / 2]

/// Median seconds of `reps` runs of f after `warmup` runs.
let private time (warmup: int) (reps: int) (f: unit -> unit) : float =
    for _ in 1 .. warmup do f ()
    [ for _ in 1 .. reps ->
        let sw = Stopwatch.StartNew()
        f ()
        sw.Elapsed.TotalSeconds ]
    |> median

[<EntryPoint>]
let main argv =
    let quick = argv |> Array.contains "quick"
    let reps = if quick then 3 else 9
    printfn "Hybrid core benchmarks (%d cores, %s)" Environment.ProcessorCount (Runtime.InteropServices.RuntimeInformation.FrameworkDescription)
    printfn "%-44s %12s %10s" "case" "median ms" "GFLOP/s"
    for (n, k, m) in [ (32, 64, 32); (128, 784, 128); (256, 500, 500); (1000, 500, 500); (64, 1000, 100) ] do
        let A = Init.matrix (Normal 1.0) 1 n k
        let B = Init.matrix (Normal 1.0) 2 k m
        for name, product in [ "MathNet A*B", (fun () -> A * B |> ignore); "Mat.mul", (fun () -> Mat.mul A B |> ignore); "Mat.mulTN", (fun () -> Mat.mulTN (A.Transpose()) B |> ignore) ] do
            let t = time 20 (reps * 5) product
            printfn "%-44s %12.3f %10.2f" (sprintf "%s %dx%d · %dx%d" name n k k m) (t * 1e3) (2.0 * float (n * k * m) / t / 1e9)
    // One epoch of minibatch SGD on a digits-sized MLP (1,797 × 64 -> 32 ReLU -> 10 softmax, batch 32).
    let X = Init.matrix (Uniform 1.0) 3 1797 64
    let labels = Array.init 1797 (fun i -> i % 10)
    let Y = Data.oneHot 10 labels
    let net0 = Network.dense 4 HeNormal 64 [ 32, ReLU; 10, Softmax ]
    let epoch () =
        Optimizer.minibatches 5 1797 32
        |> Array.fold (fun net batch -> fst (Optimizer.step 0.1 CategoricalCrossEntropy net (Mat.selectRows batch X) (Mat.selectRows batch Y))) net0
        |> ignore
    let t = time 3 reps epoch
    printfn "%-44s %12.3f %10s" "epoch, 1797x64 -> 32 ReLU -> 10 softmax, b=32" (t * 1e3) "-"
    // The "20 lines" network of S29: 64×1000 -> 100 sigmoid -> 10, one gradient step.
    let X2 = Init.matrix (Normal 1.0) 6 64 1000
    let Y2 = Init.matrix (Normal 1.0) 7 64 10
    let net2 = Network.dense 8 (Normal 1.0) 1000 [ 100, Sigmoid; 10, Identity ]
    let t2 = time 5 (reps * 3) (fun () -> Optimizer.step 1e-4 SumOfSquares net2 X2 Y2 |> ignore)
    printfn "%-44s %12.3f %10s" "S29 step, 64x1000 -> 100 sigmoid -> 10" (t2 * 1e3) "-"
    0
