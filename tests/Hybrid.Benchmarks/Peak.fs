/// The machine's measured peak: fused multiply-adds that never touch memory, on every core, with the
/// widest vectors the runtime accelerates. It is what "x% of peak" in the journals divides by: a
/// machine of this kind may run AVX-512 at full width (about 240 GFLOP/s float64 on 2 cores) or at
/// half (about 115), so the peak is measured, never assumed.
module Hybrid.Benchmarks.Peak

open System
open System.Diagnostics
open System.Runtime.Intrinsics
open System.Threading.Tasks

/// Twelve independent chains c ← c·y + x (enough to cover the FMA units' latency), `steps` times;
/// returns their sum so the JIT cannot drop the work.
let inline private chains ([<InlineIfLambda>] fma: 'V -> 'V -> 'V -> 'V) ([<InlineIfLambda>] add: 'V -> 'V -> 'V) (x: 'V) (y: 'V) (steps: int) : 'V =
    let mutable c0 = x
    let mutable c1 = x
    let mutable c2 = x
    let mutable c3 = x
    let mutable c4 = x
    let mutable c5 = x
    let mutable c6 = x
    let mutable c7 = x
    let mutable c8 = x
    let mutable c9 = x
    let mutable c10 = x
    let mutable c11 = x
    for _ in 1 .. steps do
        c0 <- fma c0 y x
        c1 <- fma c1 y x
        c2 <- fma c2 y x
        c3 <- fma c3 y x
        c4 <- fma c4 y x
        c5 <- fma c5 y x
        c6 <- fma c6 y x
        c7 <- fma c7 y x
        c8 <- fma c8 y x
        c9 <- fma c9 y x
        c10 <- fma c10 y x
        c11 <- fma c11 y x
    add (add (add (add c0 c1) (add c2 c3)) (add (add c4 c5) (add c6 c7))) (add (add c8 c9) (add c10 c11))

let private steps = 20_000_000

let private f64x8 () = chains (fun (a: Vector512<float>) b c -> Vector512.FusedMultiplyAdd(a, b, c)) (fun a b -> a + b) (Vector512.Create 1e-9) (Vector512.Create 0.999999) steps |> Vector512.Sum
let private f32x16 () = chains (fun (a: Vector512<float32>) b c -> Vector512.FusedMultiplyAdd(a, b, c)) (fun a b -> a + b) (Vector512.Create 1e-9f) (Vector512.Create 0.999999f) steps |> Vector512.Sum |> float
let private f64x4 () = chains (fun (a: Vector256<float>) b c -> Vector256.FusedMultiplyAdd(a, b, c)) (fun a b -> a + b) (Vector256.Create 1e-9) (Vector256.Create 0.999999) steps |> Vector256.Sum
let private f32x8 () = chains (fun (a: Vector256<float32>) b c -> Vector256.FusedMultiplyAdd(a, b, c)) (fun a b -> a + b) (Vector256.Create 1e-9f) (Vector256.Create 0.999999f) steps |> Vector256.Sum |> float

/// GFLOP/s of `work` (`lanes` lanes per vector) on every core at once, best of 3 after a warm-up.
let private measure (lanes: int) (work: unit -> float) : float =
    let cores = Environment.ProcessorCount
    let once () =
        let clock = Stopwatch.StartNew()
        Parallel.For(0, cores, fun _ -> work () |> ignore) |> ignore
        clock.Elapsed.TotalSeconds
    once () |> ignore
    let best = Seq.init 3 (fun _ -> once ()) |> Seq.min
    float cores * float steps * 12.0 * 2.0 * float lanes / best / 1e9

/// Prints the peak of each element type with the widest accelerated vectors (the ones the managed
/// kernel uses), and the ISA used; when AVX-512 is accelerated, also the peak with AVX2's 256-bit
/// vectors, so that a machine whose cores run AVX-512 at half width (or slower clocks) shows it.
let run () : int =
    let wide = Vector512.IsHardwareAccelerated
    let isa = if wide then "Vector512 (AVX-512)" elif Vector256.IsHardwareAccelerated then "Vector256 (AVX2)" else "no accelerated vectors"
    let p64 = if wide then measure 8 f64x8 else measure 4 f64x4
    let p32 = if wide then measure 16 f32x16 else measure 8 f32x8
    printfn "peak measured with %s on %d cores (register-only fused multiply-adds)" isa Environment.ProcessorCount
    printfn "peak64 %.1f GFLOP/s" p64
    printfn "peak32 %.1f GFLOP/s" p32
    if wide then
        let n64, n32 = measure 4 f64x4, measure 8 f32x8
        printfn "with Vector256 (AVX2) instead: peak64 %.1f, peak32 %.1f GFLOP/s (AVX-512 gives %.2fx, %.2fx)" n64 n32 (p64 / n64) (p32 / n32)
    0
