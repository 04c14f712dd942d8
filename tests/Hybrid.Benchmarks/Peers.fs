/// Hybrid's side of the peer comparison (peers.sh): one workload of the peer-comparison table per call,
/// warmed up, then timed; prints one line "workload value unit" for peers.sh to collect.
/// Run: dotnet run -c Release --project tests/Hybrid.Benchmarks -- peers <workload> [managed|openblas]
/// with workload mlp | mlp-cold | mlp-epochs | mlp32-epochs | mlp32 | mlp32-wide | mlp-user-relu | mlp-user-relu-lambda | s29 | s29-reference | mnist1 | mnist1-cold | gemm | gemm32.
module Hybrid.Benchmarks.Peers

open System
open System.Diagnostics
open Hybrid
open Hybrid.Benchmarks.Workloads

/// The wall-clock seconds f takes.
let seconds (f: unit -> unit) : float =
    let sw = Stopwatch.StartNew()
    f ()
    sw.Elapsed.TotalSeconds

/// Runs f for a second: the steady state of a product. The kernel's small methods (packing and its
/// transposes) start as unoptimised tier-0 code and are promoted about 100 ms after their 30th call;
/// three warm-up products (30 ms) left them partly unpromoted.
let warm (f: unit -> unit) =
    let sw = Stopwatch.StartNew()
    while sw.Elapsed.TotalSeconds < 1.0 do f ()

/// Repeats f (a whole fit on a slice of the data) for three seconds: the steady state of a fit.
/// .NET's tiered JIT promotes a method after its 30th call, so the code a fit runs once (checks,
/// encodings, the plan's construction, the result) is promoted only after 30 fits, and each
/// promotion compiles on the second core, which the products share. After two fits of 12,800 rows
/// (the warm-up until 2026-12-06) the timed fit met the promotion of about 340 methods (87 ms of
/// compiling): in one interleaved run, 2 fits gave mlp 105–109K samples/s and mlp32 176–180K,
/// 1 s of fits 103–109K and 202–207K, 3 s 111–113K and 203–205K, 5 s 112–115K and 195–201K
/// (docs/benchmarks/2026-12-06-steady-state.md).
let warmFits (f: unit -> unit) =
    f ()
    f ()
    let sw = Stopwatch.StartNew()
    while sw.Elapsed.TotalSeconds < 3.0 do f ()

/// Runs one workload and prints its figure; returns the exit code.
let run (workload: string) : int =
    match workload with
    | "mlp" ->
        // MLP 784-256-128-10, ReLU, softmax CE, SGD, batch 128, one epoch of 60,000 random rows.
        let x, y = mnistLike 1 60_000
        let network = mlp ()
        // Warm-up: fits of 12,800 rows for three seconds (the JIT's tiers: warmFits).
        let wx, wy = Array.sub x 0 12_800, Array.sub y 0 12_800
        warmFits (fun () -> fitEpoch network wx wy 128 |> ignore)
        let t = seconds (fun () -> fitEpoch network x y 128 |> ignore)
        printfn "mlp %.1f samples/s" (60_000.0 / t)
        0
    | "mlp32" | "mlp32-wide" ->
        // The mlp workload trained in float32 (Trainer.Precision = Single), as peers.py's mlp32: the
        // data converted to float32 rows before timing, as numpy's is (`mlp32-wide` keeps them float64,
        // each batch rounded to float32 as it is gathered).
        let x, y = mnistLike 1 60_000
        let features (rows: double[][]) = if workload = "mlp32" then Features.FromRows(rows |> Array.map (Array.map float32)) else Features.FromRows rows
        let network = mlp ()
        let fit (x: Features) (y: int[]) =
            Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.01), BatchSize = 128, Epochs = 1, Precision = Precision.Single).Fit(network, x, Targets.FromLabels y) |> ignore
        let warmX, allX = features (Array.sub x 0 12_800), features x
        let warmY = Array.sub y 0 12_800
        warmFits (fun () -> fit warmX warmY)
        let t = seconds (fun () -> fit allX y)
        printfn "%s %.1f samples/s" workload (60_000.0 / t)
        0
    | "mlp-cold" ->
        // The mlp workload's first epoch in a fresh process: the network and the data are built
        // (not timed), then ONE epoch of the 60,000 rows is timed with no warm-up, so the figure
        // includes .NET's tiered JIT (tier 0, on-stack replacement, promotion). Compare with `mlp`
        // in separate processes (docs/benchmarks/2026-12-06-first-epoch.md).
        let x, y = mnistLike 1 60_000
        let network = mlp ()
        let t = seconds (fun () -> fitEpoch network x y 128 |> ignore)
        printfn "mlp-cold %.1f samples/s" (60_000.0 / t)
        0
    | "mlp-epochs" | "mlp32-epochs" ->
        // The first epoch against the later ones inside one fit of a fresh process, as
        // `hybrid train` reports them: one fit of 4 epochs of the mlp workload (float32 for
        // mlp32-epochs), each epoch's rate from its report (its steps and its end-of-epoch
        // metrics; the fit's setup before the first epoch is not in it). Prints both rates, then
        // first ÷ median of the later three (1 = the first epoch runs at the steady speed).
        let x, y = mnistLike 1 60_000
        let single = workload = "mlp32-epochs"
        let features = if single then Features.FromRows(x |> Array.map (Array.map float32)) else Features.FromRows x
        let result =
            Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.01), BatchSize = 128, Epochs = 4,
                    Precision = (if single then Precision.Single else Precision.Double)).Fit(mlp (), features, Targets.FromLabels y)
        let rates = result.History |> Seq.map (fun r -> r.SamplesPerSecond) |> Array.ofSeq
        let later = Array.sort rates.[1..]
        printfn "%s first epoch %.1f samples/s, later epochs %.1f (median of %d)" workload rates.[0] later.[later.Length / 2] later.Length
        printfn "%s %.3f first÷later" workload (rates.[0] / later.[later.Length / 2])
        0
    | "mlp-user-relu" | "mlp-user-relu-lambda" ->
        // The mlp workload with ReLU written by a user (docs/extending.md): as a struct, or as two lambdas.
        let x, y = mnistLike 1 60_000
        let network = mlpWith (userReLU (workload = "mlp-user-relu-lambda"))
        let wx, wy = Array.sub x 0 12_800, Array.sub y 0 12_800
        warmFits (fun () -> fitEpoch network wx wy 128 |> ignore)
        let t = seconds (fun () -> fitEpoch network x y 128 |> ignore)
        printfn "%s %.1f samples/s" workload (60_000.0 / t)
        0
    | "s29" ->
        // The S29 network, 64×1000 → 100 sigmoid → 10, 2000 gradient steps on the fast path (the
        // plan Trainer.Fit runs; `s29-reference` times the readable core's Optimizer.step).
        let s = s29 ()
        let step = s29PlanStep s
        for _ in 1 .. 500 do step ()
        let t = seconds (fun () -> for _ in 1 .. 2000 do step ())
        printfn "s29 %.1f steps/s" (2000.0 / t)
        0
    | "s29-reference" ->
        let s = s29 ()
        let mutable net = s.Net
        for _ in 1 .. 50 do net <- s29Step s net
        let t = seconds (fun () -> for _ in 1 .. 2000 do net <- s29Step s net)
        printfn "s29-reference %.1f steps/s" (2000.0 / t)
        0
    | "mnist1" | "mnist1-cold" ->
        // One hidden layer of 100 ReLU, 8,000×784, batch 200, Adam (scikit-learn's defaults), one
        // epoch including the epoch's metrics. Warmed up with three whole fits (scikit-learn's side
        // with one): an epoch is 40 batches, ~0.1 s, shorter than .NET's tiered JIT takes to
        // replace its first (tier-0, then instrumented) code by optimised code, so a fit right
        // after a small warm-up measured mostly the JIT (2x; docs/benchmarks/2026-11-27-kernel-and-peers.md).
        // `mnist1-cold` keeps that measurement: one warm-up fit on 1,000 rows.
        let x, y = mnistLike 3 8_000
        let network = Network.Create(784).Dense(100, Activation.ReLU).Dense(10, Activation.Softmax).Build(Initializer.HeNormal(1))
        let trainer = Trainer(Loss.CrossEntropy, Optimizer.Adam(1e-3), BatchSize = 200, Epochs = 1)
        if workload = "mnist1-cold" then
            trainer.Fit(network, Features.FromRows(Array.sub x 0 1_000), Targets.FromLabels(Array.sub y 0 1_000)) |> ignore
        else
            for _ in 1 .. 3 do trainer.Fit(network, Features.FromRows x, Targets.FromLabels y) |> ignore
        let t = seconds (fun () -> trainer.Fit(network, Features.FromRows x, Targets.FromLabels y) |> ignore)
        printfn "%s %.4f s/epoch" workload t
        0
    | "gemm" ->
        // 1000³ float64 product, best of 5 after a second's warm-up.
        let p = products.Head
        warm (fun () -> gemm p)
        let best = Seq.init 5 (fun _ -> seconds (fun () -> gemm p)) |> Seq.min
        printfn "gemm %.1f GFLOP/s" (p.Flops / best / 1e9)
        0
    | "gemm32" ->
        // The same 1000³ product at float32 (the generic kernel's float32 instantiation), best of 5 after a second's warm-up.
        let n = 1000
        let rng = Random(5)
        let a = Array.init (n * n) (fun _ -> float32 (rng.NextDouble() - 0.5))
        let b = Array.init (n * n) (fun _ -> float32 (rng.NextDouble() - 0.5))
        let c = Array.zeroCreate<float32> (n * n)
        let run () = Hybrid.Core.Backend.Gemm(false, false, n, n, n, a, n, b, n, c, n, false)
        warm run
        let best = Seq.init 5 (fun _ -> seconds run) |> Seq.min
        printfn "gemm32 %.1f GFLOP/s" (2.0 * float n * float n * float n / best / 1e9)
        0
    | other ->
        eprintfn "peers: unknown workload \"%s\": the workloads are mlp, mlp-cold, mlp-epochs, mlp32-epochs, mlp32, mlp32-wide, mlp-user-relu, mlp-user-relu-lambda, s29, s29-reference, mnist1, mnist1-cold, gemm, gemm32." other
        2

/// Interleaved GFLOP/s of the products: baseline (the kernel before packing), managed and openblas,
/// each warmed up for a second (`warm`), then the best of `rounds` short rounds each (for a loaded
/// machine: the best round is the least disturbed); then managed at float32 on the same operands
/// rounded, warmed up and timed on its own after them (OpenBLAS's threads keep spinning for a while
/// after a call, which slowed whichever managed product followed it in a round).
let gflops (rounds: int) : int =
    printfn "%-32s %10s %10s %10s %10s   GFLOP/s, best of %d rounds, %d threads" "product" "baseline" "managed" "openblas" "managed32" rounds Backend.Threads
    for p in products do
        let reps = max 1 (int (0.2e9 / p.Flops))
        let time (f: unit -> unit) = seconds (fun () -> for _ in 1 .. reps do f ()) / float reps
        let kernels =
            [| (fun () -> baseline p)
               (fun () -> Backend.Use "managed"; gemm p)
               (fun () -> if Backend.OpenBlasAvailable then (Backend.Use "openblas"; gemm p)) |]
        for f in kernels do warm f
        let best = Array.create 3 infinity
        for _ in 1 .. rounds do
            for i in 0 .. 2 do best.[i] <- min best.[i] (time kernels.[i])
        let a32, b32, c32 = Array.map float32 p.A, Array.map float32 p.B, Array.zeroCreate<float32> p.C.Length
        Backend.Use "managed"
        let single () = Hybrid.Core.Backend.Gemm(p.TransA, p.TransB, p.M, p.N, p.K, a32, p.Lda, b32, p.Ldb, c32, p.N, false)
        warm single
        let best32 = Seq.init rounds (fun _ -> time single) |> Seq.min
        let g i = if i = 2 && not Backend.OpenBlasAvailable then "-" else sprintf "%.1f" (p.Flops / best.[i] / 1e9)
        printfn "%-32s %10s %10s %10s %10.1f" p.Name (g 0) (g 1) (g 2) (p.Flops / best32 / 1e9)
    0
