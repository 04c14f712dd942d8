/// The product backend's setting: what HYBRID_BACKEND accepts and the one error it gives otherwise
/// (the environment variable itself is read once per process, so the parser it goes through is
/// tested here; Hybrid.Tests' BackendTests cover the API switch).
module Hybrid.Core.Tests.BackendTests

open System
open Xunit
open Hybrid.Core

let private error (r: Result<bool, string>) : string =
    match r with
    | Error message -> message
    | Ok openBlas -> failwithf "expected an error, got Ok %b" openBlas

[<Fact>]
let ``HYBRID_BACKEND unset, blank or managed means managed; openblas means openblas when present`` () =
    Assert.Equal(Ok false, Backend.FromEnvironment(null, true))
    Assert.Equal(Ok false, Backend.FromEnvironment("  ", false))
    Assert.Equal(Ok false, Backend.FromEnvironment("MANAGED", false))
    Assert.Equal(Ok true, Backend.FromEnvironment("openblas", true))

[<Fact>]
let ``An unknown HYBRID_BACKEND names the variable, the value and the allowed values`` () =
    let message = error (Backend.FromEnvironment("mkl", true))
    Assert.Equal("HYBRID_BACKEND: \"mkl\" is not a backend: the allowed values are \"managed\" and \"openblas\".", message)

[<Fact>]
let ``HYBRID_BACKEND=openblas without the library names the missing file`` () =
    let message = error (Backend.FromEnvironment("openblas", false))
    Assert.StartsWith("HYBRID_BACKEND: \"openblas\" was asked for but libopenblas.so.0 was not found", message)
    Assert.Contains("apt-get install libopenblas0-pthread", message)

[<Fact>]
let ``Backend.Gemm rejects bad sizes, strides, lengths and aliasing, naming the argument`` () =
    let a, b, c = Array.zeroCreate<float> 6, Array.zeroCreate<float> 6, Array.zeroCreate<float> 4
    let paramOf (f: unit -> unit) = (Assert.Throws<ArgumentException>(f)).ParamName
    Assert.Equal("m", paramOf (fun () -> Backend.Gemm(false, false, -1, 2, 3, a, 3, b, 2, c, 2, false)))
    Assert.Equal("lda", paramOf (fun () -> Backend.Gemm(false, false, 2, 2, 3, a, 2, b, 2, c, 2, false)))
    Assert.Equal("ldb", paramOf (fun () -> Backend.Gemm(false, true, 2, 2, 3, a, 3, b, 2, c, 2, false)))
    Assert.Equal("c", paramOf (fun () -> Backend.Gemm(false, false, 2, 2, 3, a, 3, b, 2, Array.zeroCreate<float> 3, 2, false)))
    Assert.Equal("c", paramOf (fun () -> Backend.Gemm(false, false, 2, 2, 3, a, 3, b, 2, a, 2, false)))
    Assert.Throws<ArgumentNullException>(fun () -> Backend.Gemm(false, false, 2, 2, 3, (null: float[]), 3, b, 2, c, 2, false)) |> ignore
    // The float32 entry runs the same checks (one generic definition).
    let a32, b32 = Array.zeroCreate<float32> 6, Array.zeroCreate<float32> 6
    Assert.Equal("lda", paramOf (fun () -> Backend.Gemm(false, false, 2, 2, 3, a32, 2, b32, 2, Array.zeroCreate<float32> 4, 2, false)))
    Assert.Equal("c", paramOf (fun () -> Backend.Gemm(false, false, 2, 2, 3, a32, 3, b32, 2, a32, 2, false)))
    // A valid call with strides: [1 2 3; 4 5 6]·[1 0; 0 1; 1 1] = [4 5; 10 11].
    let c = Array.zeroCreate<float> 4
    Backend.Gemm(false, false, 2, 2, 3, [| 1.; 2.; 3.; 4.; 5.; 6. |], 3, [| 1.; 0.; 0.; 1.; 1.; 1. |], 2, c, 2, false)
    Assert.Equal<float[]>([| 4.; 5.; 10.; 11. |], c)

/// The packing buffers are per thread and kept for the thread's life, so they are as deep as the
/// product's k blocks, not KC: a product with k = 2 and 3,000 columns (the shape of a
/// decision-boundary grid through a first layer) packs B̃ into 2,048 × 2 entries (32 KiB), where a
/// KC-deep buffer pinned 4 MiB on every thread that ever ran one. Run on a thread of its own, whose
/// buffers start empty; below the parallel threshold, so on that thread alone. The product itself
/// is the fused multiply-add chain fma(a_i1, b_1j, a_i0·b_0j).
[<Fact>]
let ``A product with a shallow k packs into buffers as deep as its k`` () =
    let m, n, k = 64, 3000, 2
    let a = Array.init (m * k) (fun e -> float (e % 7) - 3.0)
    let b = Array.init (k * n) (fun e -> 0.25 * float (e % 11))
    let c = Array.zeroCreate<float> (m * n)
    let mutable bytes = -1L
    let worker = Threading.Thread(fun () ->
        let before = GC.GetAllocatedBytesForCurrentThread()
        Gemm.multiply false false m n k a k b n c n false
        bytes <- GC.GetAllocatedBytesForCurrentThread() - before)
    worker.Start()
    worker.Join()
    for i in 0 .. m - 1 do
        for j in 0 .. n - 1 do
            let expected = Math.FusedMultiplyAdd(a.[i * k + 1], b.[n + j], a.[i * k] * b.[j])
            if c.[i * n + j] <> expected then failwithf "C(%d, %d) = %g, expected %g" i j c.[i * n + j] expected
    Assert.True(bytes > 0L && bytes < 256L * 1024L, sprintf "the product allocated %d bytes on its thread (B̃ 32 KiB, Ã and the tile less)" bytes)
