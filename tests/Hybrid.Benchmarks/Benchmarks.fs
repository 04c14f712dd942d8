/// BenchmarkDotNet benchmarks (speed targets live here, never in unit tests).
/// Run: dotnet run -c Release --project tests/Hybrid.Benchmarks -- --filter '*Products*'
/// (add --inProcess on a loaded machine to skip the per-benchmark build).
module Hybrid.Benchmarks.Benchmarks

open BenchmarkDotNet.Attributes
open Hybrid.Benchmarks.Workloads

/// The products at 1000³ and at the training shapes, under each kernel: "baseline" (the kernel
/// before the packed kernel), "managed" and "openblas" (skipped with a message when libopenblas.so.0 is absent).
[<MemoryDiagnoser>]
type Products() =
    [<ParamsSource("Shapes")>]
    member val Product = products.Head with get, set

    [<Params("baseline", "managed", "openblas")>]
    member val Kernel = "managed" with get, set

    member _.Shapes : Product seq = Seq.ofList products

    [<GlobalSetup>]
    member b.Setup() = if b.Kernel <> "baseline" then Hybrid.Backend.Use b.Kernel

    [<Benchmark>]
    member b.Gemm() = if b.Kernel = "baseline" then baseline b.Product else gemm b.Product

// ---------------------------------------------------------------------------------------------
// Training, S29 and Predict through the public API (Trainer.Fit on the fast path by default, the
// reference path with Path = "reference"), and the fast path's plan step alone (0 bytes per batch
// from the plan itself; the products' own allocation shows in the memory diagnoser).
// ---------------------------------------------------------------------------------------------

/// One epoch (60,000 random rows) and one step (one batch of 128) of the MLP 784-256-128-10 through
/// Trainer.Fit, and the fast path's plan step on a batch of 128.
[<MemoryDiagnoser; SimpleJob(launchCount = 1, warmupCount = 1, iterationCount = 3)>]
type Training() =
    let network = mlp ()
    let x, y = mnistLike 1 60_000
    let x128, y128 = Array.sub x 0 128, Array.sub y 0 128
    let planStep = mlpPlanStep x y

    [<Params("managed", "openblas")>]
    member val Kernel = "managed" with get, set

    [<Params("fast", "reference")>]
    member val Path = "fast" with get, set

    [<GlobalSetup>]
    member b.Setup() = Hybrid.Backend.Use b.Kernel

    /// Trainer.Fit, 1 epoch of 60,000 rows at batch 128.
    [<Benchmark>]
    member b.MlpEpoch() = fitEpochOn (b.Path = "reference") network x y 128

    /// Trainer.Fit on one batch of 128 rows (one step plus the epoch's bookkeeping).
    [<Benchmark>]
    member b.MlpStep() = fitEpochOn (b.Path = "reference") network x128 y128 128

    /// The fast path's plan step alone (preallocated, in place); the same for both Path values.
    [<Benchmark>]
    member _.MlpPlanStep() = planStep ()

/// One gradient step of the S29 network (64×1000 → 100 sigmoid → 10).
[<MemoryDiagnoser>]
type S29Step() =
    let s = s29 ()
    let planStep = s29PlanStep s

    [<Params("managed", "openblas")>]
    member val Kernel = "managed" with get, set

    [<GlobalSetup>]
    member b.Setup() = Hybrid.Backend.Use b.Kernel

    [<Benchmark>]
    member _.Step() = s29Step s s.Net

    /// The same step on the fast path's plan (preallocated, in place).
    [<Benchmark>]
    member _.PlanStep() = planStep ()

/// Network.Predict on one row and on 10,000 rows of the MLP.
[<MemoryDiagnoser>]
type Predict() =
    let network = mlp ()
    let rows, _ = mnistLike 2 10_000
    let one = [| rows.[0] |]

    [<Params("managed", "openblas")>]
    member val Kernel = "managed" with get, set

    [<GlobalSetup>]
    member b.Setup() = Hybrid.Backend.Use b.Kernel

    [<Benchmark>]
    member _.OneRow() = network.Predict one

    [<Benchmark>]
    member _.TenThousandRows() = network.Predict rows
