/// Laws of the core's matrix products: Mat.mul, mulTN, mulNT against MathNet, and the backend
/// seam Backend.Gemm (row-major C ← op(A)·op(B) (+ C)) against the naive triple loop, under the
/// backend in force (HYBRID_BACKEND=managed|openblas); the managed kernel is bit-for-bit the
/// sequential fused multiply-add sum with every micro-kernel and thread count.
module Hybrid.Properties.MatProperties

open System
open FsCheck
open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

/// Shapes 1..40 cover every remainder of the micro-tiles (6×8, 8×16, 4×4; 6×16 and 8×32 at float32).
let private product =
    gen {
        let! n, k, m = Gen.zip3 (dim 40) (dim 40) (dim 40)
        let! A = matrix 1.0 n k
        let! B = matrix 1.0 k m
        return A, B
    }

// Entries in [−1, 1] and k ≤ 150 terms: each sum is at most 150 in size, summed in another order
// than MathNet's; the difference is a few ulps of 150, far below 1e-12 (absolute near 0).

let private law1 =
    Spec.property "S13 / products / A·B, Aᵀ·B and A·Bᵀ equal MathNet's" product (fun (A, B) ->
        Tolerance.expectClose "A·B" 1e-12 (A * B) (Mat.mul A B)
        Tolerance.expectClose "Aᵀ·(A·B)" 1e-12 (A.TransposeThisAndMultiply(A * B)) (Mat.mulTN A (A * B))
        Tolerance.expectClose "A·Bᵀ" 1e-12 (A.TransposeAndMultiply(B.Transpose())) (Mat.mulNT A (B.Transpose())))

let private law2 =
    let big =
        gen {
            let! n, k, m = Gen.zip3 (Gen.choose (130, 150)) (Gen.choose (130, 150)) (Gen.choose (130, 150))
            let! A = matrix 1.0 n k
            let! B = matrix 1.0 k m
            return A, B
        }
    Spec.scaled 0.1 (Spec.property "S13 / products / above the parallel threshold they equal MathNet's" big (fun (A, B) ->
        Tolerance.expectClose "A·B" 1e-12 (A * B) (Mat.mul A B)
        Tolerance.expectClose "A·Bᵀ" 1e-12 (A.TransposeAndMultiply(B.Transpose())) (Mat.mulNT A (B.Transpose()))))

/// One call of Backend.Gemm: the flags, the sizes, the stored arrays with their row strides
/// (strides exceed the widths by `pad`, the padding holds values the product must not read into
/// C), and C's prior contents.
type GemmCase =
    { TransA: bool; TransB: bool; M: int; N: int; K: int
      A: float[]; Lda: int; B: float[]; Ldb: int; C: float[]; Ldc: int; Accumulate: bool }
    override c.ToString() =
        sprintf "op(A)·op(B) with transA=%b transB=%b m=%d n=%d k=%d lda=%d ldb=%d ldc=%d accumulate=%b"
            c.TransA c.TransB c.M c.N c.K c.Lda c.Ldb c.Ldc c.Accumulate

/// Sizes: mostly 1..40 (every remainder of the tiles, and the unpacked few-rows path), sometimes
/// 1, primes and sizes that straddle the blocks (MC = 96, KC = 256) or the parallel threshold.
let private gemmCase (big: int list) : Gen<GemmCase> =
    gen {
        let size = Gen.frequency [ 6, dim 40; 1, Gen.constant 1; 2, Gen.elements big ]
        let! m, n, k = Gen.zip3 size size (Gen.frequency [ 12, size; 1, Gen.constant 0 ])
        let! transA, transB, accumulate = Gen.zip3 (Gen.elements [ false; true ]) (Gen.elements [ false; true ]) (Gen.elements [ false; true ])
        let! padA, padB, padC = Gen.zip3 (Gen.choose (0, 3)) (Gen.choose (0, 3)) (Gen.choose (0, 3))
        let rowsA, widthA = if transA then k, m else m, k
        let rowsB, widthB = if transB then n, k else k, n
        let lda, ldb, ldc = max 1 widthA + padA, max 1 widthB + padB, n + padC
        let values count = Gen.arrayOfLength count (floatIn -1.0 1.0)
        let! a = values (max 1 (rowsA * lda))
        let! b = values (max 1 (rowsB * ldb))
        let! c = values (m * ldc)
        return { TransA = transA; TransB = transB; M = m; N = n; K = k; A = a; Lda = lda; B = b; Ldb = ldb
                 C = c; Ldc = ldc; Accumulate = accumulate }
    }

let private opA (g: GemmCase) i p = if g.TransA then g.A.[p * g.Lda + i] else g.A.[i * g.Lda + p]
let private opB (g: GemmCase) p j = if g.TransB then g.B.[j * g.Ldb + p] else g.B.[p * g.Ldb + j]

/// Runs `gemm` on a copy of the case's C and returns it.
let private run (g: GemmCase) (gemm: GemmCase -> float[] -> unit) : float[] =
    let c = Array.copy g.C
    gemm g c
    c

/// Asserts C's window holds `expected i j` within the product tolerance (scaled by
/// Σ_p |a_ip·b_pj| + |C_ij|, Tolerance.product) and that C's padding is untouched.
let private expectProduct (what: string) (g: GemmCase) (c: float[]) =
    for i in 0 .. g.M - 1 do
        for j in 0 .. g.Ldc - 1 do
            let at = i * g.Ldc + j
            if j >= g.N then
                if c.[at] <> g.C.[at] then failwithf "%s: %O: padding (%d, %d) of C was written." what g i j
            else
                let mutable s = if g.Accumulate then g.C.[at] else 0.0
                let mutable scale = if g.Accumulate then abs g.C.[at] else 0.0
                for p in 0 .. g.K - 1 do
                    s <- s + opA g i p * opB g p j
                    scale <- scale + abs (opA g i p * opB g p j)
                if abs (c.[at] - s) > Tolerance.product * max 1.0 scale then
                    failwithf "%s: %O: entry (%d, %d) is %.17g, the naive loop gives %.17g." what g i j c.[at] s

let private backend (g: GemmCase) (c: float[]) =
    Backend.Gemm(g.TransA, g.TransB, g.M, g.N, g.K, g.A, g.Lda, g.B, g.Ldb, c, g.Ldc, g.Accumulate)

let private law3 =
    Spec.property "S13 / products / Backend.Gemm equals the naive triple loop (all four op forms, ragged sizes, strides, accumulate)"
        (gemmCase [ 2; 3; 5; 7; 13; 97; 101; 263 ]) (fun g ->
            expectProduct ("Backend " + Backend.Name) g (run g backend))

/// The managed kernel's order: s ← fma(op(A)_ip, op(B)_pj, s) for p = 0 .. k−1 from C_ij or 0.
let private sequentialFma (g: GemmCase) : float[] =
    let c = Array.copy g.C
    for i in 0 .. g.M - 1 do
        for j in 0 .. g.N - 1 do
            let mutable s = if g.Accumulate then c.[i * g.Ldc + j] else 0.0
            for p in 0 .. g.K - 1 do
                s <- Math.FusedMultiplyAdd(opA g i p, opB g p j, s)
            c.[i * g.Ldc + j] <- s
    c

let private sameBits (what: string) (g: GemmCase) (expected: float[]) (actual: float[]) =
    for at in 0 .. expected.Length - 1 do
        if BitConverter.DoubleToInt64Bits expected.[at] <> BitConverter.DoubleToInt64Bits actual.[at] then
            failwithf "%s: %O: entry %d (row %d, column %d) is %.17g, the sequential fma sum is %.17g."
                what g at (at / g.Ldc) (at % g.Ldc) actual.[at] expected.[at]

let private law4 =
    Spec.scaled 0.3 (Spec.property "S13 / products / the managed kernel is the sequential fused multiply-add sum, bit for bit (every micro-kernel, 1 to 3 threads)"
        (gemmCase [ 2; 3; 5; 7; 13; 97; 101; 263 ]) (fun g ->
            let expected = sequentialFma g
            // Split products of every size, with the parts packing on their own and sharing the packing
            // (the threshold only decides speed; other laws running meanwhile see the same bits either way).
            let threshold = Gemm.shareThreshold
            try
                for isa in [ Gemm.V256; Gemm.V512; Gemm.Scalar ] do
                    for threads in [ 1; 2; 3 ] do
                        for share in [ false; true ] do
                            Gemm.shareThreshold <- (if share then 0L else Int64.MaxValue)
                            let c = run g (fun g c -> Gemm.multiplyWith isa threads g.TransA g.TransB g.M g.N g.K g.A g.Lda g.B g.Ldb c g.Ldc g.Accumulate)
                            sameBits (sprintf "%A with %d threads%s" isa threads (if share then ", packing shared" else "")) g expected c
            finally Gemm.shareThreshold <- threshold))

let private law5 =
    Spec.scaled 0.3 (Spec.property "S13 / products / the managed and OpenBLAS backends agree (libopenblas.so.0 required)"
        (gemmCase [ 2; 3; 5; 97; 263 ]) (fun g ->
            if not Backend.OpenBlasAvailable then
                failwith "libopenblas.so.0 was not found: install libopenblas0-pthread (CI does) to check the native backend."
            let managed = run g (fun g c -> Gemm.multiply g.TransA g.TransB g.M g.N g.K g.A g.Lda g.B g.Ldb c g.Ldc g.Accumulate)
            let native = run g (fun g c -> OpenBlas.gemm g.TransA g.TransB g.M g.N g.K g.A g.Lda g.B g.Ldb c g.Ldc g.Accumulate)
            expectProduct "managed" g managed
            expectProduct "openblas" g native))

let private law6 =
    Spec.example "S13 / products / a product of 600×700·700×500 gives the same bits twice and with 1 or 2 threads" (fun () ->
        let rnd = Random(8)
        let m, n, k = 600, 500, 700
        let a = Array.init (m * k) (fun _ -> rnd.NextDouble() - 0.5)
        let b = Array.init (k * n) (fun _ -> rnd.NextDouble() - 0.5)
        let product threads =
            let c = Array.zeroCreate (m * n)
            Gemm.multiplyWith Gemm.detected threads false false m n k a k b n c n false
            c
        let first = product 2
        let g = { TransA = false; TransB = false; M = m; N = n; K = k; A = a; Lda = k; B = b; Ldb = n; C = first; Ldc = n; Accumulate = false }
        sameBits "second run, 2 threads" g first (product 2)
        sameBits "1 thread" g first (product 1))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4
      law5
      law6 ]
