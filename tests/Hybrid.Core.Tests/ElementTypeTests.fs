/// The definitions are generic over the element type: float32 is a second instantiation of the
/// same inline definitions (Activation.sigmoid 0.5f), not a copy. These tests instantiate them at
/// float32 and compare with float64 (docs/architecture.md, "Generic over the element type").
module Hybrid.Core.Tests.ElementTypeTests

open System
open Xunit
open Hybrid.Core

/// float32's unit roundoff u = 2^−24 ≈ 6e-8. A well-conditioned formula of a few operations lands
/// within a few u of the exact value, relative; the float64 result stands in for the exact one
/// (its own error, 2^−53, is 2^29 times smaller). 8u allows the input's own rounding to float32
/// (the float64 reference is evaluated at the float32 input, so that part cancels) and up to
/// eight roundings in the formula.
let private tolerance = 8.0 * Math.Pow(2.0, -24.0)

/// Points of [−10, 10] that float32 represents exactly, so both instantiations see the same input.
let private points = [ for k in -200 .. 200 -> float32 k * 0.05f ]

let private closeWithin (amplification: float) (what: string) (single: float32) (double: float) =
    let tolerance = tolerance * amplification
    let error = abs (float single - double) / max (abs double) 1e-30
    // Below float32's smallest normal the relative error of a result is not meaningful.
    if abs double > 1e-30 then
        Assert.True(error <= tolerance, sprintf "%s: float32 %g, float64 %.17g, relative error %.3g > %.3g" what single double error tolerance)

let private close = closeWithin 1.0

[<Fact>]
let ``S04 the activations' scalar definitions at float32 agree with float64 within float32 rounding`` () =
    for z in points do
        let z64 = float z
        close (sprintf "sigmoid(%g)" z) (Activation.sigmoid z) (Activation.sigmoid z64)
        // σ′ = σ(1 − σ): for z > 0, 1 − σ cancels and σ's rounding grows by σ/(1 − σ) = e^z.
        closeWithin (1.0 + exp (abs z64)) (sprintf "sigmoid'(%g)" z) (Activation.sigmoid' z) (Activation.sigmoid' z64)
        close (sprintf "tanh(%g)" z) (Activation.tanh z) (Activation.tanh z64)
        close (sprintf "softplus(%g)" z) (Activation.softplus z) (Activation.softplus z64)
        // α(e^z − 1) for z < 0 subtracts 1 from e^z: the rounding of e^z (relative u) grows by
        // e^z/|e^z − 1| ≈ 1/|z| near 0 (the expm1 cancellation, in float64 as in float32).
        let amplification = if z < 0.0f then max 1.0 (exp z64 / abs (exp z64 - 1.0)) else 1.0
        closeWithin amplification (sprintf "elu(%g)" z) (Activation.elu 0.5f z) (Activation.elu 0.5 z64)
        close (sprintf "relu(%g)" z) (Activation.relu z) (Activation.relu z64)

[<Fact>]
let ``S04 the float32 sigmoid stays finite and in [0, 1] at the extremes, as the float64 one`` () =
    for z in [ -1e30f; -100f; -88f; 88f; 100f; 1e30f; Single.MaxValue; -Single.MaxValue ] do
        let s = Activation.sigmoid z
        Assert.True(Single.IsFinite s && s >= 0.0f && s <= 1.0f, sprintf "sigmoid(%g) = %g" z s)

[<Fact>]
let ``S20 the mean-squared-error term and gradient at float32 agree with float64 within float32 rounding`` () =
    for yhat in points do
        let y = 0.75f
        close (sprintf "(%g - 0.75)^2" yhat) (Loss.squaredTerm yhat y) (Loss.squaredTerm (float yhat) (float y))
        close (sprintf "(%g - 0.75)/N" yhat) (Loss.mseGradient yhat y 8.0f) (Loss.mseGradient (float yhat) (float y) 8.0)

// ---------------------------------------------------------------- the registry's loops, the product and the dense layer at float32

/// A value in [−1, 1] that float32 holds exactly (a multiple of 1/64), so both instantiations see
/// the same inputs and products of two such values are exact in float64.
let private exact (rng: Random) = float32 (rng.Next(-64, 65)) / 64.0f

let private u = Math.Pow(2.0, -24.0)

[<Fact>]
let ``S04 every activation's float32 loop agrees with its float64 loop, forward and backward`` () =
    // Inputs of at most 4 in magnitude: every intermediate of these formulas stays within e⁴ of
    // the result's scale, and each float32 operation rounds relative to its own result, so a
    // result lands within a few u of the float64 one in the mixed sense |s − d| ≤ 16u·(|d| + 1)
    // (relative for large values, absolute near 0, where 1 − a² or e^z − 1 cancel).
    let rng = Random(5)
    let rows, cols = 4, 6
    let z = Array.init (rows * cols) (fun _ -> 4.0f * exact rng)
    let da = Array.init (rows * cols) (fun _ -> exact rng)
    for e in Activation.all do
        let p = match e.Parameter with Some spec -> spec.Default | None -> 0.0
        let k64, k32 = e.Kernels.At<float>(), e.Kernels.At<float32>()
        let a64, a32 = Array.zeroCreate<float> z.Length, Array.zeroCreate<float32> z.Length
        k64.Forward(p, Array.map float z, a64, rows, cols)
        k32.Forward(float32 p, z, a32, rows, cols)
        let d64, d32 = Array.zeroCreate<float> z.Length, Array.zeroCreate<float32> z.Length
        k64.Backward(p, Array.map float z, a64, Array.map float da, d64, rows, cols)
        k32.Backward(float32 p, z, a32, da, d32, rows, cols)
        for i in 0 .. z.Length - 1 do
            for what, s, d in [ "forward", a32.[i], a64.[i]; "backward", d32.[i], d64.[i] ] do
                let error = abs (float s - d)
                Assert.True(error <= 16.0 * u * (abs d + 1.0),
                            sprintf "%s %s at z = %g: float32 %g, float64 %.17g, |difference| %.3g" e.Case what z.[i] s d error)

[<Fact>]
let ``S04 the element type a loop is asked for that is neither float nor float32 is an ArgumentException`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> (Activation.entry Sigmoid).Kernels.At<decimal>() |> ignore)
    Assert.Contains("Decimal", e.Message)

/// op(X)(i, p) of a row-major array stored untransposed (rows×cols, stride ld) or transposed.
let private op (trans: bool) (x: 'T[]) (ld: int) (i: int) (p: int) = if trans then x.[p * ld + i] else x.[i * ld + p]

[<Fact>]
let ``S13 the managed float32 product is the sequential float32 fused multiply-add chain, bit for bit`` () =
    // The kernel's contract (Gemm): each entry is s ← fma(op(A)_ip, op(B)_pj, s) for p = 0 .. k−1,
    // from C_ij or 0. Written here as a plain loop over MathF.FusedMultiplyAdd, it is the expected
    // value; the kernel blocks, packs and splits over threads (the 130-sized product crosses
    // the parallel threshold) with each of its micro-kernels without changing one bit.
    let rng = Random(17)
    for m, n, k in [ 1, 1, 1; 3, 5, 7; 7, 13, 33; 2, 40, 9; 130, 131, 129 ] do
        for transA in [ false; true ] do
            for transB in [ false; true ] do
                for accumulate in [ false; true ] do
                    let a = Array.init (m * k) (fun _ -> exact rng)
                    let b = Array.init (k * n) (fun _ -> exact rng)
                    let c0 = Array.init (m * n) (fun _ -> exact rng)
                    let lda, ldb = (if transA then m else k), (if transB then k else n)
                    let expected = Array.copy c0
                    for i in 0 .. m - 1 do
                        for j in 0 .. n - 1 do
                            let mutable s = if accumulate then c0.[i * n + j] else 0.0f
                            for p in 0 .. k - 1 do
                                s <- MathF.FusedMultiplyAdd(op transA a lda i p, op transB b ldb p j, s)
                            expected.[i * n + j] <- s
                    // Every micro-kernel (AVX-512 8×32, AVX2 6×16, scalar 4×4; emulated where the
                    // machine lacks the instructions) on 1 to 3 threads, and the entry the library uses.
                    let runs =
                        [ for isa in [ Gemm.V512; Gemm.V256; Gemm.Scalar ] do
                            for threads in 1 .. 3 -> sprintf "%A, %d threads" isa threads, (fun c -> Gemm.multiplyWith isa threads transA transB m n k a lda b ldb c n accumulate)
                          yield "Gemm.multiply", (fun c -> Gemm.multiply transA transB m n k a lda b ldb c n accumulate) ]
                    for name, run in runs do
                        let c = Array.copy c0
                        run c
                        for e in 0 .. c.Length - 1 do
                            if c.[e] <> expected.[e] then
                                failwithf "%s, %d×%d×%d (transA %b, transB %b, accumulate %b): C[%d, %d] = %.9g, the chain gives %.9g"
                                          name m n k transA transB accumulate (e / n) (e % n) c.[e] expected.[e]

[<Fact>]
let ``S13 Backend's float32 product agrees with the float64 one within the dot-product bound`` () =
    // Inputs exact in float32, so the float64 product is exact up to 2^−53 (it stands in for the
    // exact one). A float32 sum of k products is off by at most γ_k·Σ_p |a_ip·b_pj|, γ_k ≈ k·u
    // (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1), whichever backend runs.
    let rng = Random(23)
    let m, n, k = 20, 30, 50
    let a = Array.init (m * k) (fun _ -> exact rng)
    let b = Array.init (k * n) (fun _ -> exact rng)
    let c32 = Array.zeroCreate<float32> (m * n)
    let c64 = Array.zeroCreate<float> (m * n)
    Backend.Gemm(false, false, m, n, k, a, k, b, n, c32, n, false)
    Backend.Gemm(false, false, m, n, k, Array.map float a, k, Array.map float b, n, c64, n, false)
    for i in 0 .. m - 1 do
        for j in 0 .. n - 1 do
            let scale = Seq.sum (seq { for p in 0 .. k - 1 -> abs (float a.[i * k + p] * float b.[p * n + j]) })
            let error = abs (float c32.[i * n + j] - c64.[i * n + j])
            Assert.True(error <= float k * u * scale, sprintf "C[%d, %d]: float32 %g, float64 %.17g" i j c32.[i * n + j] c64.[i * n + j])

[<Fact>]
let ``S16 the dense layer's buffer version at float32 agrees with float64: Z, A, dW, db, dX`` () =
    // One generic DensePlan instantiated twice. Each output is a sum of `terms` products of values
    // that already carry a few u of float32 rounding (Z and A for the forward; dZ = dA ⊙ g′(Z) for
    // the backward). Bound: |out32 − out64| ≤ 32·(terms + 2)·u·S, with S the largest entry of the
    // same sum taken over absolute values in float64 (|X|·|W| + |b|, |X|ᵀ·|dZ|, 1ᵀ·|dZ|, |dZ|·|W|ᵀ):
    // γ_terms for the sum itself and the rest for the inputs' errors, which every activation here
    // passes on with a factor of at most 1 (slopes ≤ 1, σ′ ≤ 1/4).
    let n, dIn, dOut = 6, 9, 5
    for g in [ Tanh; Sigmoid; ReLU; LeakyReLU 0.1; PReLU 0.25; ELU 1.0; Swish; Softmax; Identity ] do
        let rng = Random(11)
        let x = Array.init (n * dIn) (fun _ -> exact rng)
        let w = Array.init (dIn * dOut) (fun _ -> exact rng)
        let b = Array.init dOut (fun _ -> exact rng)
        let up = Array.init (n * dOut) (fun _ -> exact rng)
        let layer =
            Dense.create (Mat.ofRowMajor dIn dOut (Array.map float w)) (Mat.ofRowMajor 1 dOut (Array.map float b)) g
        let slot = { Capacity = n; Inputs = dIn; First = 0; NeedsInputGradient = true }
        let alpha = match g with PReLU a -> [ [| a |] ] | _ -> []
        let p64 = Array.ofList ([ Array.map float w; Array.map float b ] @ alpha)
        let p32 = p64 |> Array.map (Array.map float32)
        let g64 = p64 |> Array.map (fun v -> Array.zeroCreate<float> v.Length)
        let g32 = p32 |> Array.map (fun v -> Array.zeroCreate<float32> v.Length)
        let plan64, plan32 = DensePlan<float>(layer, slot), DensePlan<float32>(layer, slot)
        let x64 = Array.map float x
        let a64 = plan64.Forward(x64, n, p64, -1) |> Array.copy
        let a32 = plan32.Forward(x, n, p32, -1) |> Array.copy
        let dx64 = plan64.Backward(x64, Array.map float up, n, p64, g64, false)
        let dx32 = plan32.Backward(x, up, n, p32, g32, false)
        let dz = plan64.DZ
        let zScale = Array.init (n * dOut) (fun ij -> let i, j = ij / dOut, ij % dOut in abs (float b.[j]) + Seq.sum (seq { for p in 0 .. dIn - 1 -> abs (float x.[i * dIn + p] * float w.[p * dOut + j]) }))
        let dwScale = Array.init (dIn * dOut) (fun pj -> let p, j = pj / dOut, pj % dOut in Seq.sum (seq { for i in 0 .. n - 1 -> abs (float x.[i * dIn + p] * dz.[i * dOut + j]) }))
        let dbScale = Array.init dOut (fun j -> Seq.sum (seq { for i in 0 .. n - 1 -> abs dz.[i * dOut + j] }))
        let dxScale = Array.init (n * dIn) (fun ip -> let i, p = ip / dIn, ip % dIn in Seq.sum (seq { for j in 0 .. dOut - 1 -> abs (dz.[i * dOut + j] * float w.[p * dOut + j]) }))
        let check what (terms: int) (scale: float[]) (single: float32[]) (double: float[]) =
            let bound = 32.0 * float (terms + 2) * u * max (Array.max scale) 1.0
            for i in 0 .. double.Length - 1 do
                let error = abs (float single.[i] - double.[i])
                Assert.True(error <= bound, sprintf "%A %s[%d]: float32 %g, float64 %.17g, |difference| %.3g > %.3g" g what i single.[i] double.[i] error bound)
        check "Z" dIn zScale (Array.sub plan32.Z 0 (n * dOut)) (Array.sub plan64.Z 0 (n * dOut))
        check "A" dIn zScale a32 a64
        check "dW" n dwScale g32.[0] g64.[0]
        check "db" n dbScale g32.[1] g64.[1]
        check "dX" dOut dxScale dx32 dx64
        match g with
        | PReLU _ -> check "dα" (n * dOut) [| Seq.sum (seq { for i in 0 .. n * dOut - 1 -> abs (float up.[i] * plan64.Z.[i]) }) |] g32.[2] g64.[2]
        | _ -> ()
