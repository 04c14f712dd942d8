/// Speed benchmarks (not run by the test suite; docs/performance.md).
///   dotnet run -c Release --project tests/Hybrid.Benchmarks -- [BenchmarkDotNet arguments]
///   dotnet run -c Release --project tests/Hybrid.Benchmarks -- gflops [rounds [managed threads]]
///   dotnet run -c Release --project tests/Hybrid.Benchmarks -- memory   (peak memory of one training epoch)
///   dotnet run -c Release --project tests/Hybrid.Benchmarks -- profile [rounds]   (where the time of the mnist1 epoch goes)
///   dotnet run -c Release --project tests/Hybrid.Benchmarks -- peers <mlp|mlp-cold|mlp-epochs|mlp32-epochs|mlp32|s29|mnist1|mnist1-cold|gemm|gemm32> [managed|openblas [threads]]
///   dotnet run -c Release --project tests/Hybrid.Benchmarks -- peak   (register-only FMA peak, float64 and float32)
/// HYBRID_BENCH_JIT_PROFILE=<directory>: the program records and replays a multicore JIT profile per
/// command there (System.Runtime.ProfileOptimization), as the hybrid tool does: what an application
/// that does so gets in its first epoch (docs/benchmarks/2026-12-06-steady-state.md).
module Hybrid.Benchmarks.Program

open BenchmarkDotNet.Running

[<EntryPoint>]
let main argv =
    match System.Environment.GetEnvironmentVariable "HYBRID_BENCH_JIT_PROFILE" with
    | null | "" -> ()
    | dir ->
        System.IO.Directory.CreateDirectory dir |> ignore
        System.Runtime.ProfileOptimization.SetProfileRoot dir
        System.Runtime.ProfileOptimization.StartProfile(String.concat "-" (Array.truncate 2 argv) + ".jitprofile")
    match List.ofArray argv with
    | [ "memory" ] -> Memory.run ()
    | [ "peak" ] -> Peak.run ()
    | "profile" :: rest -> Profile.run (match rest with r :: _ -> int r | [] -> 9)
    | [ "memory-child"; path ] -> Memory.child path
    | "gflops" :: rest ->
        match rest with
        | _ :: t :: _ -> Hybrid.Backend.Threads <- int t
        | _ -> ()
        Peers.gflops (match rest with r :: _ -> int r | [] -> 9)
    | "peers" :: workload :: rest ->
        match rest with
        | kernel :: more ->
            Hybrid.Backend.Use kernel
            match more with
            | t :: _ -> Hybrid.Backend.Threads <- int t
            | [] -> ()
        | [] -> ()
        Peers.run workload
    | _ ->
        BenchmarkSwitcher.FromAssembly(typeof<Benchmarks.Products>.Assembly).Run(argv) |> ignore
        0
