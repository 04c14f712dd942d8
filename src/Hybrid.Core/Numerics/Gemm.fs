namespace Hybrid.Core

#nowarn "9" // native pointers: the micro-kernel reads pinned arrays without bounds checks.

open System
open System.Numerics
open System.Runtime.Intrinsics
open System.Threading.Tasks
open Microsoft.FSharp.NativeInterop

/// The managed matrix-product kernel behind Backend (BLIS-style; docs/performance.md):
/// C ← op(A)·op(B) (+ C) on row-major arrays. Each micro-kernel is inlined into its own macro-kernel
/// method (macro256, ...), whose loops run long enough in one call for the JIT's on-stack
/// replacement to switch even the first product to optimised code. As separate methods, called
/// once per tile, they ran unoptimised (tier 0) until call counting promoted them: 4–6 s for each
/// of the first two or three 1000³ products on a loaded machine, instead of ~0.2 s. (F# drops
/// MethodImplOptions.AggressiveOptimization, so that attribute cannot do it.)
///
/// The summation order is part of the contract: every entry is the sequential fused
/// multiply-add chain s ← fma(op(A)_ip, op(B)_pj, s) for p = 0, 1, …, k−1, starting from
/// s = C_ij when accumulating and s = 0 otherwise. Blocking, packing, the SIMD width and the
/// number of threads only decide which entries are computed where and when, never the order
/// of one entry's terms, so the result is the same bits on every run, with any thread count
/// and with any of the micro-kernels below. Checked by: MatProperties "S13 / products / the
/// managed kernel is the sequential fused multiply-add sum, bit for bit (every micro-kernel, 1 to
/// 3 threads)".
module internal Gemm =

    /// Depth of a packed block (the p range summed per visit of a C tile): a KC×NR panel of B
    /// (32 KiB for the AVX-512 tiles: 16 float64 or 32 float32 columns) stays in a 48 KiB L1 while
    /// A's MR×KC panels stream past it.
    let KC = 256
    /// Rows of op(A) packed at a time: an MC×KC block of A (MC = 96: 192 KiB) sits in L2 (512 KiB).
    let MC = 96
    /// Columns of op(B) packed at a time: a KC×NC block (NC = 2048: 4 MiB) sits in L3.
    let NC = 2048

    /// Which micro-kernel runs: an MR×NR tile of C held in registers.
    type Isa =
        /// 8 × 2 vectors (8×16 at float64, 8×32 at float32): 16 Vector512 accumulators (AVX-512 FMA).
        /// Measured against the 4 × 3-vector tile it replaced (12 accumulators, a 48 KiB panel of B that
        /// filled L1): 1.1–1.7× at the MLP's product shapes, 1.1× at 1000³
        /// (docs/benchmarks/2026-12-06-kernel-8x2.md).
        | V512
        /// 6 × 8: 12 Vector256 accumulators (the 16 AVX2 registers: 12 + 2 of B + 1 of A).
        | V256
        /// 4 × 4 scalar fused multiply-adds (no usable SIMD).
        | Scalar

    /// The micro-kernel chosen for this machine.
    let detected : Isa =
        if Vector512.IsHardwareAccelerated then V512
        elif Vector256.IsHardwareAccelerated then V256
        else Scalar

    /// Rows and columns of one micro-tile at element type 'T: 8 rows of 2 Vector512s (8×16 for float,
    /// 8×32 for float32), 6 rows of 2 Vector256s (6×8, 6×16), or 4×4 scalars.
    let inline tileOf<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (isa: Isa) : int * int =
        match isa with
        | V512 -> 8, 2 * Vector512<'T>.Count
        | V256 -> 6, 2 * Vector256<'T>.Count
        | Scalar -> 4, 4

    /// Rows and columns of one float64 micro-tile.
    let inline tile (isa: Isa) : int * int = tileOf<float> isa

    /// c + a·b rounded once per lane, at float or float32 (the JIT keeps only the branch of 'T; the
    /// direct path's generic loop uses it).
    let inline private fma256<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (a: Vector256<'T>) (b: Vector256<'T>) (c: Vector256<'T>) : Vector256<'T> =
        if Type.op_Equality(typeof<'T>, typeof<float>) then
            Vector256.As<float, 'T>(Vector256.FusedMultiplyAdd(Vector256.As<'T, float>(a), Vector256.As<'T, float>(b), Vector256.As<'T, float>(c)))
        else
            Vector256.As<float32, 'T>(Vector256.FusedMultiplyAdd(Vector256.As<'T, float32>(a), Vector256.As<'T, float32>(b), Vector256.As<'T, float32>(c)))
    let inline private at (p: nativeptr<'T>) (i: int) = NativePtr.add p i

    /// 6×2w tile (w = Vector256&lt;'T&gt;.Count: 6×8 for float, 6×16 for float32): C[0..5, 0..2w−1] (row
    /// stride ldc) ← (C or 0) + Σ_p a_p ⊗ b_p, where a_p are the 6 values at a + 6p and b_p the 2w
    /// values at b + 2wp (packed panels). `fma` is Vector256.FusedMultiplyAdd at 'T, passed in by
    /// each concrete macro-kernel so that even unoptimised (tier-0) code calls it directly.
    let inline private micro256<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> ([<InlineIfLambda>] fma: Vector256<'T> -> Vector256<'T> -> Vector256<'T> -> Vector256<'T>) (kc: int) (a: nativeptr<'T>) (b: nativeptr<'T>) (c: nativeptr<'T>) (ldc: int) (load: bool) =
        // The width is written as Vector256<'T>.Count at each use, not bound to a local: on-stack
        // replacement (which runs the first products) takes locals live from the unoptimised frame,
        // so a local width is a variable there, while the property is a constant.
        let mutable c00 = Vector256<'T>.Zero
        let mutable c01 = Vector256<'T>.Zero
        let mutable c10 = Vector256<'T>.Zero
        let mutable c11 = Vector256<'T>.Zero
        let mutable c20 = Vector256<'T>.Zero
        let mutable c21 = Vector256<'T>.Zero
        let mutable c30 = Vector256<'T>.Zero
        let mutable c31 = Vector256<'T>.Zero
        let mutable c40 = Vector256<'T>.Zero
        let mutable c41 = Vector256<'T>.Zero
        let mutable c50 = Vector256<'T>.Zero
        let mutable c51 = Vector256<'T>.Zero
        if load then
            c00 <- Vector256.Load(c)
            c01 <- Vector256.Load(at c Vector256<'T>.Count)
            c10 <- Vector256.Load(at c ldc)
            c11 <- Vector256.Load(at c (ldc + Vector256<'T>.Count))
            c20 <- Vector256.Load(at c (2 * ldc))
            c21 <- Vector256.Load(at c (2 * ldc + Vector256<'T>.Count))
            c30 <- Vector256.Load(at c (3 * ldc))
            c31 <- Vector256.Load(at c (3 * ldc + Vector256<'T>.Count))
            c40 <- Vector256.Load(at c (4 * ldc))
            c41 <- Vector256.Load(at c (4 * ldc + Vector256<'T>.Count))
            c50 <- Vector256.Load(at c (5 * ldc))
            c51 <- Vector256.Load(at c (5 * ldc + Vector256<'T>.Count))
        let mutable pa = a
        let mutable pb = b
        for _ in 1 .. kc do
            let b0 = Vector256.Load(pb)
            let b1 = Vector256.Load(at pb Vector256<'T>.Count)
            let a0 = Vector256.Create(NativePtr.read pa)
            c00 <- fma a0 b0 c00
            c01 <- fma a0 b1 c01
            let a1 = Vector256.Create(NativePtr.get pa 1)
            c10 <- fma a1 b0 c10
            c11 <- fma a1 b1 c11
            let a2 = Vector256.Create(NativePtr.get pa 2)
            c20 <- fma a2 b0 c20
            c21 <- fma a2 b1 c21
            let a3 = Vector256.Create(NativePtr.get pa 3)
            c30 <- fma a3 b0 c30
            c31 <- fma a3 b1 c31
            let a4 = Vector256.Create(NativePtr.get pa 4)
            c40 <- fma a4 b0 c40
            c41 <- fma a4 b1 c41
            let a5 = Vector256.Create(NativePtr.get pa 5)
            c50 <- fma a5 b0 c50
            c51 <- fma a5 b1 c51
            pa <- at pa 6
            pb <- at pb (2 * Vector256<'T>.Count)
        c00.Store(c)
        c01.Store(at c Vector256<'T>.Count)
        c10.Store(at c ldc)
        c11.Store(at c (ldc + Vector256<'T>.Count))
        c20.Store(at c (2 * ldc))
        c21.Store(at c (2 * ldc + Vector256<'T>.Count))
        c30.Store(at c (3 * ldc))
        c31.Store(at c (3 * ldc + Vector256<'T>.Count))
        c40.Store(at c (4 * ldc))
        c41.Store(at c (4 * ldc + Vector256<'T>.Count))
        c50.Store(at c (5 * ldc))
        c51.Store(at c (5 * ldc + Vector256<'T>.Count))

    /// 8×2w tile with Vector512 (w = Vector512&lt;'T&gt;.Count: 8×16 for float, 8×32 for float32; 2
    /// vectors per row, 16 accumulators), packed panels as in micro256: a_p are the 8 values at a + 8p.
    let inline private micro512<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> ([<InlineIfLambda>] fma: Vector512<'T> -> Vector512<'T> -> Vector512<'T> -> Vector512<'T>) (kc: int) (a: nativeptr<'T>) (b: nativeptr<'T>) (c: nativeptr<'T>) (ldc: int) (load: bool) =
        // The width is written as Vector512<'T>.Count at each use, not bound to a local: on-stack
        // replacement (which runs the first products) takes locals live from the unoptimised frame,
        // so a local width is a variable there, while the property is a constant.
        let mutable c0_0 = Vector512<'T>.Zero
        let mutable c0_1 = Vector512<'T>.Zero
        let mutable c1_0 = Vector512<'T>.Zero
        let mutable c1_1 = Vector512<'T>.Zero
        let mutable c2_0 = Vector512<'T>.Zero
        let mutable c2_1 = Vector512<'T>.Zero
        let mutable c3_0 = Vector512<'T>.Zero
        let mutable c3_1 = Vector512<'T>.Zero
        let mutable c4_0 = Vector512<'T>.Zero
        let mutable c4_1 = Vector512<'T>.Zero
        let mutable c5_0 = Vector512<'T>.Zero
        let mutable c5_1 = Vector512<'T>.Zero
        let mutable c6_0 = Vector512<'T>.Zero
        let mutable c6_1 = Vector512<'T>.Zero
        let mutable c7_0 = Vector512<'T>.Zero
        let mutable c7_1 = Vector512<'T>.Zero
        if load then
            c0_0 <- Vector512.Load(c)
            c0_1 <- Vector512.Load(at c (Vector512<'T>.Count))
            c1_0 <- Vector512.Load(at c ldc)
            c1_1 <- Vector512.Load(at c (ldc + Vector512<'T>.Count))
            c2_0 <- Vector512.Load(at c (2 * ldc))
            c2_1 <- Vector512.Load(at c (2 * ldc + Vector512<'T>.Count))
            c3_0 <- Vector512.Load(at c (3 * ldc))
            c3_1 <- Vector512.Load(at c (3 * ldc + Vector512<'T>.Count))
            c4_0 <- Vector512.Load(at c (4 * ldc))
            c4_1 <- Vector512.Load(at c (4 * ldc + Vector512<'T>.Count))
            c5_0 <- Vector512.Load(at c (5 * ldc))
            c5_1 <- Vector512.Load(at c (5 * ldc + Vector512<'T>.Count))
            c6_0 <- Vector512.Load(at c (6 * ldc))
            c6_1 <- Vector512.Load(at c (6 * ldc + Vector512<'T>.Count))
            c7_0 <- Vector512.Load(at c (7 * ldc))
            c7_1 <- Vector512.Load(at c (7 * ldc + Vector512<'T>.Count))
        let mutable pa = a
        let mutable pb = b
        for _ in 1 .. kc do
            let b0 = Vector512.Load(pb)
            let b1 = Vector512.Load(at pb Vector512<'T>.Count)
            let a0 = Vector512.Create(NativePtr.read pa)
            c0_0 <- fma a0 b0 c0_0
            c0_1 <- fma a0 b1 c0_1
            let a1 = Vector512.Create(NativePtr.get pa 1)
            c1_0 <- fma a1 b0 c1_0
            c1_1 <- fma a1 b1 c1_1
            let a2 = Vector512.Create(NativePtr.get pa 2)
            c2_0 <- fma a2 b0 c2_0
            c2_1 <- fma a2 b1 c2_1
            let a3 = Vector512.Create(NativePtr.get pa 3)
            c3_0 <- fma a3 b0 c3_0
            c3_1 <- fma a3 b1 c3_1
            let a4 = Vector512.Create(NativePtr.get pa 4)
            c4_0 <- fma a4 b0 c4_0
            c4_1 <- fma a4 b1 c4_1
            let a5 = Vector512.Create(NativePtr.get pa 5)
            c5_0 <- fma a5 b0 c5_0
            c5_1 <- fma a5 b1 c5_1
            let a6 = Vector512.Create(NativePtr.get pa 6)
            c6_0 <- fma a6 b0 c6_0
            c6_1 <- fma a6 b1 c6_1
            let a7 = Vector512.Create(NativePtr.get pa 7)
            c7_0 <- fma a7 b0 c7_0
            c7_1 <- fma a7 b1 c7_1
            pa <- at pa 8
            pb <- at pb (2 * Vector512<'T>.Count)
        c0_0.Store(c)
        c0_1.Store(at c (Vector512<'T>.Count))
        c1_0.Store(at c ldc)
        c1_1.Store(at c (ldc + Vector512<'T>.Count))
        c2_0.Store(at c (2 * ldc))
        c2_1.Store(at c (2 * ldc + Vector512<'T>.Count))
        c3_0.Store(at c (3 * ldc))
        c3_1.Store(at c (3 * ldc + Vector512<'T>.Count))
        c4_0.Store(at c (4 * ldc))
        c4_1.Store(at c (4 * ldc + Vector512<'T>.Count))
        c5_0.Store(at c (5 * ldc))
        c5_1.Store(at c (5 * ldc + Vector512<'T>.Count))
        c6_0.Store(at c (6 * ldc))
        c6_1.Store(at c (6 * ldc + Vector512<'T>.Count))
        c7_0.Store(at c (7 * ldc))
        c7_1.Store(at c (7 * ldc + Vector512<'T>.Count))

    /// One step of an entry's chain, s ← fma(x, y, s) = x·y + s rounded once, at element type 'T
    /// (Math.FusedMultiplyAdd for float, MathF's for float32: .NET's generic math).
    let inline private fma<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T) (y: 'T) (s: 'T) : 'T = 'T.FusedMultiplyAdd(x, y, s)

    /// 4×4 tile of scalar fused multiply-adds, packed panels as in micro256, at element type 'T.
    let inline private microScalar<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (kc: int) (a: nativeptr<'T>) (b: nativeptr<'T>) (c: nativeptr<'T>) (ldc: int) (load: bool) =
        for i in 0 .. 3 do
            let ci = at c (i * ldc)
            let mutable s0 = if load then NativePtr.get ci 0 else 'T.Zero
            let mutable s1 = if load then NativePtr.get ci 1 else 'T.Zero
            let mutable s2 = if load then NativePtr.get ci 2 else 'T.Zero
            let mutable s3 = if load then NativePtr.get ci 3 else 'T.Zero
            for p in 0 .. kc - 1 do
                let x = NativePtr.get a (4 * p + i)
                let pb = at b (4 * p)
                s0 <- fma x (NativePtr.get pb 0) s0
                s1 <- fma x (NativePtr.get pb 1) s1
                s2 <- fma x (NativePtr.get pb 2) s2
                s3 <- fma x (NativePtr.get pb 3) s3
            NativePtr.set ci 0 s0
            NativePtr.set ci 1 s1
            NativePtr.set ci 2 s2
            NativePtr.set ci 3 s3

    /// The same address as a pointer to another element type (the packing transposes and the
    /// macro-kernels below are written per element type).
    let inline private retyped<'T, 'U when 'T: unmanaged and 'U: unmanaged> (p: nativeptr<'T>) : nativeptr<'U> = NativePtr.ofNativeInt (NativePtr.toNativeInt p)

    /// The 8×8 block of float32 at s (row stride lds) transposed into d (row stride ldd):
    /// d[p·ldd + r] = s[r·lds + p], in registers (AVX unpack, shuffle and 128-bit permute).
    let inline private transpose8x8 (s: nativeptr<float32>) (lds: int) (d: nativeptr<float32>) (ldd: int) =
        let r0, r1 = Vector256.Load(s), Vector256.Load(at s lds)
        let r2, r3 = Vector256.Load(at s (2 * lds)), Vector256.Load(at s (3 * lds))
        let r4, r5 = Vector256.Load(at s (4 * lds)), Vector256.Load(at s (5 * lds))
        let r6, r7 = Vector256.Load(at s (6 * lds)), Vector256.Load(at s (7 * lds))
        // Pairs of rows interleaved: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], …
        let t0, t1 = X86.Avx.UnpackLow(r0, r1), X86.Avx.UnpackHigh(r0, r1)
        let t2, t3 = X86.Avx.UnpackLow(r2, r3), X86.Avx.UnpackHigh(r2, r3)
        let t4, t5 = X86.Avx.UnpackLow(r4, r5), X86.Avx.UnpackHigh(r4, r5)
        let t6, t7 = X86.Avx.UnpackLow(r6, r7), X86.Avx.UnpackHigh(r6, r7)
        // Four rows' column p in each half: u0 = column 0 | column 4 of rows 0–3, …
        let u0, u1 = X86.Avx.Shuffle(t0, t2, 0x44uy), X86.Avx.Shuffle(t0, t2, 0xEEuy)
        let u2, u3 = X86.Avx.Shuffle(t1, t3, 0x44uy), X86.Avx.Shuffle(t1, t3, 0xEEuy)
        let u4, u5 = X86.Avx.Shuffle(t4, t6, 0x44uy), X86.Avx.Shuffle(t4, t6, 0xEEuy)
        let u6, u7 = X86.Avx.Shuffle(t5, t7, 0x44uy), X86.Avx.Shuffle(t5, t7, 0xEEuy)
        // Rows 0–3 and 4–7 of one column joined.
        X86.Avx.Permute2x128(u0, u4, 0x20uy).Store(d)
        X86.Avx.Permute2x128(u1, u5, 0x20uy).Store(at d ldd)
        X86.Avx.Permute2x128(u2, u6, 0x20uy).Store(at d (2 * ldd))
        X86.Avx.Permute2x128(u3, u7, 0x20uy).Store(at d (3 * ldd))
        X86.Avx.Permute2x128(u0, u4, 0x31uy).Store(at d (4 * ldd))
        X86.Avx.Permute2x128(u1, u5, 0x31uy).Store(at d (5 * ldd))
        X86.Avx.Permute2x128(u2, u6, 0x31uy).Store(at d (6 * ldd))
        X86.Avx.Permute2x128(u3, u7, 0x31uy).Store(at d (7 * ldd))

    /// The 4×4 block of float64 at s (row stride lds) transposed into d (row stride ldd), as transpose8x8.
    let inline private transpose4x4 (s: nativeptr<float>) (lds: int) (d: nativeptr<float>) (ldd: int) =
        let r0, r1 = Vector256.Load(s), Vector256.Load(at s lds)
        let r2, r3 = Vector256.Load(at s (2 * lds)), Vector256.Load(at s (3 * lds))
        // t0 = r0[0] r1[0] | r0[2] r1[2], t1 = r0[1] r1[1] | r0[3] r1[3], …
        let t0, t1 = X86.Avx.UnpackLow(r0, r1), X86.Avx.UnpackHigh(r0, r1)
        let t2, t3 = X86.Avx.UnpackLow(r2, r3), X86.Avx.UnpackHigh(r2, r3)
        X86.Avx.Permute2x128(t0, t2, 0x20uy).Store(d)
        X86.Avx.Permute2x128(t1, t3, 0x20uy).Store(at d ldd)
        X86.Avx.Permute2x128(t0, t2, 0x31uy).Store(at d (2 * ldd))
        X86.Avx.Permute2x128(t1, t3, 0x31uy).Store(at d (3 * ldd))

    /// The 4×4 block of float32 at s (row stride lds) transposed into d (row stride ldd), as
    /// transpose8x8 with 128-bit vectors (SSE unpack and half moves).
    let inline private transpose4x4Single (s: nativeptr<float32>) (lds: int) (d: nativeptr<float32>) (ldd: int) =
        let r0, r1 = Vector128.Load(s), Vector128.Load(at s lds)
        let r2, r3 = Vector128.Load(at s (2 * lds)), Vector128.Load(at s (3 * lds))
        // t0 = r0[0] r1[0] r0[1] r1[1], t1 = r2[0] r3[0] r2[1] r3[1]; t2, t3 the same for columns 2 and 3.
        let t0, t1 = X86.Sse.UnpackLow(r0, r1), X86.Sse.UnpackLow(r2, r3)
        let t2, t3 = X86.Sse.UnpackHigh(r0, r1), X86.Sse.UnpackHigh(r2, r3)
        X86.Sse.MoveLowToHigh(t0, t1).Store(d)
        X86.Sse.MoveHighToLow(t1, t0).Store(at d ldd)
        X86.Sse.MoveLowToHigh(t2, t3).Store(at d (2 * ldd))
        X86.Sse.MoveHighToLow(t3, t2).Store(at d (3 * ldd))

    /// The lines from .. of src (whole runs of `block`) through `transpose`, block×block at a time
    /// along columns 0 .. whole−1 (a multiple of block); returns the first line not done.
    let inline private transposeBlocks ([<InlineIfLambda>] transpose: nativeptr<'U> -> int -> nativeptr<'U> -> int -> unit) (block: int)
                                       (src: nativeptr<'U>) (lds: int) (lines: int) (whole: int) (dst: nativeptr<'U>) (ldd: int) (from: int) : int =
        let mutable r = from
        while r + block <= lines do
            let mutable p = 0
            while p < whole do
                transpose (at src (r * lds + p)) lds (at dst (p * ldd + r)) ldd
                p <- p + block
            r <- r + block
        r

    /// dst[p·ldd + r] = src[r·lds + p] for r < lines, p < depth: the packing of a panel whose lines
    /// (rows of op(A), columns of op(B)) are rows of the stored matrix. With AVX, blocks of lines are
    /// transposed in registers (float32: 8×8, then 4×4; float64: 4×4), each along the whole depth in
    /// steps of 8 (float32) or 4 (float64); the last columns and the lines left over (2 of the AVX2
    /// tile's 6) one value at a time, about three times slower per value. At the MLP's shapes packing
    /// one value at a time was a third of the kernel's time (dotnet-trace). Only moves values.
    let private transposeInto<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
                              (src: nativeptr<'T>) (lds: int) (lines: int) (depth: int) (dst: nativeptr<'T>) (ldd: int) =
        // Lines 0 .. blocked−1 are done for columns 0 .. whole−1.
        let mutable blocked = 0
        let mutable whole = 0
        if X86.Avx.IsSupported then
            if Type.op_Equality(typeof<'T>, typeof<float32>) then
                let s, d : nativeptr<float32> * nativeptr<float32> = retyped src, retyped dst
                whole <- depth - depth % 8
                blocked <- transposeBlocks transpose8x8 8 s lds lines whole d ldd 0
                blocked <- transposeBlocks transpose4x4Single 4 s lds lines whole d ldd blocked
            elif Type.op_Equality(typeof<'T>, typeof<float>) then
                let s, d : nativeptr<float> * nativeptr<float> = retyped src, retyped dst
                whole <- depth - depth % 4
                blocked <- transposeBlocks transpose4x4 4 s lds lines whole d ldd 0
        for r in 0 .. lines - 1 do
            for p in (if r < blocked then whole else 0) .. depth - 1 do NativePtr.set dst (p * ldd + r) (NativePtr.get src (r * lds + p))

    /// Copies `count` entries from src to dst: 256-bit vectors, then a 128-bit one, then one at a time.
    let inline private copyValues<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (src: nativeptr<'T>) (dst: nativeptr<'T>) (count: int) =
        let mutable v = 0
        while v + Vector256<'T>.Count <= count do
            Vector256.Store(Vector256.Load(at src v), at dst v)
            v <- v + Vector256<'T>.Count
        if v + Vector128<'T>.Count <= count then
            Vector128.Store(Vector128.Load(at src v), at dst v)
            v <- v + Vector128<'T>.Count
        while v < count do
            NativePtr.set dst v (NativePtr.get src v)
            v <- v + 1

    /// Packs rows i0 .. i0+mc−1, columns p0 .. p0+kc−1 of op(A) into panels of mr rows:
    /// pd[(r / mr)·kc·mr + p·mr + r % mr] = op(A)(i0 + r, p0 + p), zero past row mc.
    /// Through pointers (no bounds checks; Backend checked the sizes): at the training shapes
    /// packing is a fifth of a product's work, and bounds-checked indexing doubled it.
    let private packA<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (transA: bool) (a: 'T[]) (lda: int) (i0: int) (mc: int) (p0: int) (kc: int) (mr: int) (pd: nativeptr<'T>) =
        let panels = (mc + mr - 1) / mr
        use pa = fixed a
        for q in 0 .. panels - 1 do
            let d0 = at pd (q * kc * mr)
            let rows = min mr (mc - q * mr)
            if transA && rows = mr then
                // op(A)(i, p) = a[p·lda + i]: each p gives mr contiguous values.
                for p in 0 .. kc - 1 do copyValues (at pa ((p0 + p) * lda + i0 + q * mr)) (at d0 (p * mr)) mr
            elif transA then
                // The same, `rows` values and zeros past them.
                for p in 0 .. kc - 1 do
                    let src = at pa ((p0 + p) * lda + i0 + q * mr)
                    let d = at d0 (p * mr)
                    for r in 0 .. rows - 1 do NativePtr.set d r (NativePtr.get src r)
                    for r in rows .. mr - 1 do NativePtr.set d r Unchecked.defaultof<'T>
            else
                // op(A)(i, p) = a[i·lda + p]: the panel's rows are rows of a, transposed into it.
                transposeInto (at pa ((i0 + q * mr) * lda + p0)) lda rows kc d0 mr
                for r in rows .. mr - 1 do
                    for p in 0 .. kc - 1 do NativePtr.set d0 (p * mr + r) Unchecked.defaultof<'T>

    /// Packs rows p0 .. p0+kc−1, columns j0 .. j0+nc−1 of op(B) into panels of nr columns:
    /// pd[(j / nr)·kc·nr + p·nr + j % nr] = op(B)(p0 + p, j0 + j), zero past column nc.
    /// Through pointers as packA; a full panel of B (nr a multiple of the vector width) copies a vector at a time.
    let private packB<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (transB: bool) (b: 'T[]) (ldb: int) (p0: int) (kc: int) (j0: int) (nc: int) (nr: int) (pd: nativeptr<'T>) =
        let panels = (nc + nr - 1) / nr
        use pb = fixed b
        for q in 0 .. panels - 1 do
            let d0 = at pd (q * kc * nr)
            let cols = min nr (nc - q * nr)
            if transB then
                // op(B)(p, j) = b[j·ldb + p]: the panel's columns are rows of b, transposed into it.
                transposeInto (at pb ((j0 + q * nr) * ldb + p0)) ldb cols kc d0 nr
                for j in cols .. nr - 1 do
                    for p in 0 .. kc - 1 do NativePtr.set d0 (p * nr + j) Unchecked.defaultof<'T>
            elif cols = nr then
                // op(B)(p, j) = b[p·ldb + j]: nr contiguous values per p.
                for p in 0 .. kc - 1 do
                    copyValues (at pb ((p0 + p) * ldb + j0 + q * nr)) (at d0 (p * nr)) nr
            else
                for p in 0 .. kc - 1 do
                    let src = at pb ((p0 + p) * ldb + j0 + q * nr)
                    let d = at d0 (p * nr)
                    for j in 0 .. cols - 1 do NativePtr.set d j (NativePtr.get src j)
                    for j in cols .. nr - 1 do NativePtr.set d j Unchecked.defaultof<'T>

    /// A packing buffer: an array on the pinned object heap (it never moves) and the first element of
    /// it on a 64-byte boundary. Unaligned, every 64-byte load of the micro-kernel from a packed panel
    /// straddles two cache lines.
    [<Struct>]
    type private Packed<'T when 'T: unmanaged> =
        { Array: 'T[]; Start: nativeptr<'T> }

    /// A pinned array with room for `size` elements from a 64-byte boundary.
    let private pinnedAligned<'T when 'T: unmanaged> (size: int) : Packed<'T> =
        let arr = GC.AllocateArray<'T>(size + 64 / sizeof<'T>, pinned = true)
        // On the pinned object heap the address outlives this `fixed`.
        let address = (use p = fixed arr in NativePtr.toNativeInt p)
        let skip = int ((64n - address % 64n) % 64n) / sizeof<'T>
        { Array = arr; Start = NativePtr.add (NativePtr.ofNativeInt<'T> address) skip }

    /// Per-thread packing buffers of element type 'T, grown on demand and reused (no allocation in
    /// steady state).
    type private Buffers<'T when 'T: unmanaged>() =
        [<ThreadStatic; DefaultValue>] static val mutable private a: Packed<'T>
        [<ThreadStatic; DefaultValue>] static val mutable private b: Packed<'T>
        [<ThreadStatic; DefaultValue>] static val mutable private t: Packed<'T>
        static member private Grow(buffer: Packed<'T>, size: int) =
            if isNull buffer.Array || buffer.Array.Length - 64 / sizeof<'T> < size then pinnedAligned size else buffer
        static member A(size: int) =
            Buffers<'T>.a <- Buffers<'T>.Grow(Buffers<'T>.a, size)
            Buffers<'T>.a.Start
        static member B(size: int) =
            Buffers<'T>.b <- Buffers<'T>.Grow(Buffers<'T>.b, size)
            Buffers<'T>.b.Start
        /// A scratch tile for the ragged edges of C.
        static member Tile(size: int) =
            Buffers<'T>.t <- Buffers<'T>.Grow(Buffers<'T>.t, size)
            Buffers<'T>.t.Start

    /// The macro-kernel: every mr×nr tile of one packed block (Ã: mc rows, B̃: nc columns, depth kc)
    /// into C at (ic, jc), columns of tiles outer (a B̃ panel stays in L1 while Ã's panels pass).
    /// Ragged edge tiles go through the scratch tile pT; the padding (zeros in the packed panels)
    /// lands outside C's window. Inlined once per micro-kernel (macro256, ...), so each is one
    /// method whose loops run long enough for on-stack replacement on the very first product.
    let inline private macro ([<InlineIfLambda>] micro: int -> nativeptr<'T> -> nativeptr<'T> -> nativeptr<'T> -> int -> bool -> unit)
                             (mr: int) (nr: int) (kc: int) (mc: int) (nc: int) (pA: nativeptr<'T>) (pB: nativeptr<'T>)
                             (pT: nativeptr<'T>) (pC: nativeptr<'T>) (ldc: int) (ic: int) (jc: int) (load: bool) : unit =
        let mutable jr = 0
        while jr < nc do
            let cols = min nr (nc - jr)
            let panelB = at pB (jr * kc)
            let mutable ir = 0
            while ir < mc do
                let rows = min mr (mc - ir)
                let panelA = at pA (ir * kc)
                let corner = at pC ((ic + ir) * ldc + jc + jr)
                if rows = mr && cols = nr then
                    micro kc panelA panelB corner ldc load
                else
                    if load then
                        for r in 0 .. rows - 1 do
                            for q in 0 .. cols - 1 do NativePtr.set pT (r * nr + q) (NativePtr.get corner (r * ldc + q))
                    micro kc panelA panelB pT nr load
                    for r in 0 .. rows - 1 do
                        for q in 0 .. cols - 1 do NativePtr.set corner (r * ldc + q) (NativePtr.get pT (r * nr + q))
                ir <- ir + mr
            jr <- jr + nr

    let private macro256D kc mc nc (pA: nativeptr<float>) pB pT pC ldc ic jc load =
        macro (micro256 (fun (a: Vector256<float>) b c -> Vector256.FusedMultiplyAdd(a, b, c))) 6 8 kc mc nc pA pB pT pC ldc ic jc load
    let private macro256S kc mc nc (pA: nativeptr<float32>) pB pT pC ldc ic jc load =
        macro (micro256 (fun (a: Vector256<float32>) b c -> Vector256.FusedMultiplyAdd(a, b, c))) 6 16 kc mc nc pA pB pT pC ldc ic jc load
    let private macro512D kc mc nc (pA: nativeptr<float>) pB pT pC ldc ic jc load =
        macro (micro512 (fun (a: Vector512<float>) b c -> Vector512.FusedMultiplyAdd(a, b, c))) 8 16 kc mc nc pA pB pT pC ldc ic jc load
    let private macro512S kc mc nc (pA: nativeptr<float32>) pB pT pC ldc ic jc load =
        macro (micro512 (fun (a: Vector512<float32>) b c -> Vector512.FusedMultiplyAdd(a, b, c))) 8 32 kc mc nc pA pB pT pC ldc ic jc load
    let private macroScalar<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> kc mc nc (pA: nativeptr<'T>) pB pT pC ldc ic jc load =
        macro microScalar 4 4 kc mc nc pA pB pT pC ldc ic jc load

    /// The depth of the k blocks: k in equal blocks of at most KC (784 = 4 × 196, not 3 × 256 + 16):
    /// a short last block would load and store every C tile for a few steps.
    let private depthStep (k: int) = if k = 0 then KC else (k + (k + KC - 1) / KC - 1) / ((k + KC - 1) / KC)

    /// The depth the packing buffers are sized for: the depth of k's blocks (at least 1). Sized by
    /// KC instead, every thread that once ran a product with N ≥ NC kept a 4 MiB pinned buffer for
    /// B̃ even at k = 2 (the playground's decision-boundary grids, on every thread-pool thread that
    /// drew one).
    let private bufferDepth (k: int) = min (depthStep k) (max 1 k)

    /// One packed block through the micro-kernel chosen by isa (see macro), at element type 'T
    /// (float or float32): one generic micro-kernel, made concrete per element type with that type's
    /// FMA (macro256D/S, macro512D/S), chosen here once per block.
    let private macroFor<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (isa: Isa) kc mc nc (pA: nativeptr<'T>) pB pT pC ldc ic jc load =
        let double = Type.op_Equality(typeof<'T>, typeof<float>)
        match isa with
        | V256 when double -> macro256D kc mc nc (retyped pA) (retyped pB) (retyped pT) (retyped pC) ldc ic jc load
        | V256 -> macro256S kc mc nc (retyped pA) (retyped pB) (retyped pT) (retyped pC) ldc ic jc load
        | V512 when double -> macro512D kc mc nc (retyped pA) (retyped pB) (retyped pT) (retyped pC) ldc ic jc load
        | V512 -> macro512S kc mc nc (retyped pA) (retyped pB) (retyped pT) (retyped pC) ldc ic jc load
        | Scalar -> macroScalar kc mc nc pA pB pT pC ldc ic jc load

    /// Rows i0 .. i1−1 and columns j0 .. j1−1 of C through packed blocks and micro-tiles.
    let private blocked<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
                        (isa: Isa) (transA: bool) (transB: bool) (k: int) (a: 'T[]) (lda: int) (b: 'T[]) (ldb: int)
                        (c: 'T[]) (ldc: int) (accumulate: bool) (i0: int) (i1: int) (j0: int) (j1: int) : unit =
        let mr, nr = tileOf<'T> isa
        let pA = Buffers<'T>.A(((min MC (i1 - i0) + mr - 1) / mr) * mr * bufferDepth k)
        let pB = Buffers<'T>.B(((min NC (j1 - j0) + nr - 1) / nr) * nr * bufferDepth k)
        let pT = Buffers<'T>.Tile(mr * nr)
        use pC = fixed c
        let kcStep = depthStep k
        let mutable jc = j0
        while jc < j1 do
            let nc = min NC (j1 - jc)
            let mutable pc = 0
            while pc < k do
                let kc = min kcStep (k - pc)
                let load = accumulate || pc > 0
                packB transB b ldb pc kc jc nc nr pB
                let mutable ic = i0
                while ic < i1 do
                    let mc = min MC (i1 - ic)
                    packA transA a lda ic mc pc kc mr pA
                    macroFor isa kc mc nc pA pB pT pC ldc ic jc load
                    ic <- ic + mc
                pc <- pc + kc
            if k = 0 && not accumulate then
                for i in i0 .. i1 - 1 do Array.Clear(c, i * ldc + jc, nc)
            jc <- jc + nc

    /// C(i, j) ← (C(i, j) or 0) + Σ_p op(A)(i, p)·B(p, j), the chain of one entry of the direct path
    /// (op(A)(i, p) = a[i·ai + p·ap]; B row-major with stride ldb behind pB; row i of C behind ci).
    let inline private directEntry<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (a: 'T[]) (ai: int) (ap: int) (pB: nativeptr<'T>) (ldb: int) (ci: nativeptr<'T>) (i: int) (j: int) (k: int) (accumulate: bool) =
        let mutable s = if accumulate then NativePtr.get ci j else 'T.Zero
        for p in 0 .. k - 1 do
            s <- fma a.[i * ai + p * ap] (NativePtr.get pB (p * ldb + j)) s
        NativePtr.set ci j s

    /// The direct path with SIMD: each row of C gathers the rows of B scaled by A's entries, 4
    /// vectors at a time, the last columns by directEntry.
    let private rows256<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (transA: bool) (n: int) (k: int) (a: 'T[]) (lda: int) (b: 'T[]) (ldb: int)
                        (c: 'T[]) (ldc: int) (accumulate: bool) (i0: int) (i1: int) : unit =
        use pB = fixed b
        use pC = fixed c
        let w = Vector256<'T>.Count
        // op(A)(i, p) = a[i·ai + p·ap].
        let ai = if transA then 1 else lda
        let ap = if transA then lda else 1
        for i in i0 .. i1 - 1 do
            let ci = at pC (i * ldc)
            let mutable j = 0
            while j + 4 * w <= n do
                let cj = at ci j
                let mutable s0 = if accumulate then Vector256.Load(cj) else Vector256<'T>.Zero
                let mutable s1 = if accumulate then Vector256.Load(at cj w) else Vector256<'T>.Zero
                let mutable s2 = if accumulate then Vector256.Load(at cj (2 * w)) else Vector256<'T>.Zero
                let mutable s3 = if accumulate then Vector256.Load(at cj (3 * w)) else Vector256<'T>.Zero
                for p in 0 .. k - 1 do
                    let x = Vector256.Create(a.[i * ai + p * ap])
                    let bp = at pB (p * ldb + j)
                    s0 <- fma256 x (Vector256.Load(bp)) s0
                    s1 <- fma256 x (Vector256.Load(at bp w)) s1
                    s2 <- fma256 x (Vector256.Load(at bp (2 * w))) s2
                    s3 <- fma256 x (Vector256.Load(at bp (3 * w))) s3
                s0.Store(cj)
                s1.Store(at cj w)
                s2.Store(at cj (2 * w))
                s3.Store(at cj (3 * w))
                j <- j + 4 * w
            while j + w <= n do
                let cj = at ci j
                let mutable s = if accumulate then Vector256.Load(cj) else Vector256<'T>.Zero
                for p in 0 .. k - 1 do
                    s <- fma256 (Vector256.Create(a.[i * ai + p * ap])) (Vector256.Load(at pB (p * ldb + j))) s
                s.Store(cj)
                j <- j + w
            while j < n do
                directEntry a ai ap pB ldb ci i j k accumulate
                j <- j + 1

    /// Rows i0 .. i1−1 of C when op(B) = B is stored row-major: no packing at all. Each row of C
    /// gathers the rows of B scaled by A's entries (for products with few rows, e.g. Predict on
    /// one row, packing B would cost as much as the product): with SIMD (rows256), entry by entry
    /// without it.
    let private rows<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
                     (useSimd: bool) (transA: bool) (n: int) (k: int) (a: 'T[]) (lda: int) (b: 'T[]) (ldb: int)
                     (c: 'T[]) (ldc: int) (accumulate: bool) (i0: int) (i1: int) : unit =
        if useSimd then rows256 transA n k a lda b ldb c ldc accumulate i0 i1
        else
            use pB = fixed b
            use pC = fixed c
            let ai = if transA then 1 else lda
            let ap = if transA then lda else 1
            for i in i0 .. i1 - 1 do
                let ci = at pC (i * ldc)
                for j in 0 .. n - 1 do
                    directEntry a ai ap pB ldb ci i j k accumulate

    /// Products with at least this many multiply-adds are split over the cores (by `multiply`):
    /// about 40 µs of one core's work at 50 GFLOP/s. Below it, waking the resident worker and
    /// waiting for it costs more than the half it takes over: at 200,000 (the first threshold)
    /// the 200-row products of a 10-wide output layer (200×100·100×10 and its two backward
    /// forms) ran 3× faster on one thread in an interleaved A/B (docs/benchmarks/2026-11-27-kernel-and-peers.md).
    let parallelThreshold = 2_000_000L

    /// How many threads a product may use (default: the processor count; 1 = sequential).
    let mutable threads = Environment.ProcessorCount

    /// Whether the resident workers pack the operand that every part of a split product reads
    /// whole once, together (Job.RunShared), instead of each part packing all of it.
    let mutable sharePacking = true

    /// Split products with fewer multiply-adds than this pack on their own (sharing costs a barrier per
    /// block and moves the packed block between the cores' caches): at the MLP's 4,200,000 (128×128×256
    /// class) the parts ran 1.15–1.4× faster each packing alone (docs/benchmarks/2026-12-06-kernel-8x2.md).
    /// At 25,700,000 (the 784-wide layers) sharing was 3–8% faster in isolation, but in training, where
    /// the calling thread has just written the operand, packing alone made whole epochs 4–5% faster
    /// (docs/benchmarks/2026-12-06-packing.md); 1000³ still shares.
    let mutable shareThreshold = 32_000_000L

    /// How long (in Stopwatch ticks) a resident worker that finished its part, or a caller waiting for
    /// its workers, keeps polling before it blocks: 0.5 ms. A training step runs a product every few
    /// tens of microseconds, and waking a blocked thread costs about as much as a small product takes,
    /// so the worker of a split product used to arrive late and the caller spun at the first shared
    /// block for it (45% of a float32 MLP step on the calling thread, measured with dotnet-trace). A
    /// worker idle for longer than this blocks again and costs nothing.
    let mutable idleSpinTicks = Diagnostics.Stopwatch.Frequency / 2000L

    /// Takes one count of the semaphore, polling it for up to idleSpinTicks before blocking (the
    /// semaphore's own Wait spins only a few microseconds).
    let private waitHot (s: Threading.SemaphoreSlim) =
        if not (s.Wait 0) then
            let deadline = Diagnostics.Stopwatch.GetTimestamp() + idleSpinTicks
            let mutable taken = false
            // SpinOnce(-1): pauses, then yields to other ready threads (more threads than cores), never sleeps.
            let mutable spin = Threading.SpinWait()
            while not taken && Diagnostics.Stopwatch.GetTimestamp() < deadline do
                if s.CurrentCount > 0 && s.Wait 0 then taken <- true
                else spin.SpinOnce(-1)
            if not taken then s.Wait()

    /// Raised by a part that stopped waiting because another part failed (the pool reports that one).
    type private OtherPartFailed() = inherit Exception("Gemm: another part of this product failed.")

    /// Work split into parts that run at once, one per thread (Pool.TryRun): a split product, or any
    /// other pass that is worth a second core (the fast path's gather).
    [<AllowNullLiteral>]
    type IParts =
        /// How many parts.
        abstract Parts: int
        /// Runs part q (0 ≤ q < Parts).
        abstract Run: q: int -> unit

    /// One product and its split into parts: part q of `parts` covers the q-th equal run of whole
    /// micro-tiles along C's rows (byRows) or columns. Mutable so that the resident workers below
    /// can be handed a product without allocating.
    [<AllowNullLiteral>]
    type private Job<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>() =
        [<DefaultValue>] val mutable Isa: Isa
        [<DefaultValue>] val mutable TransA: bool
        [<DefaultValue>] val mutable TransB: bool
        [<DefaultValue>] val mutable M: int
        [<DefaultValue>] val mutable N: int
        [<DefaultValue>] val mutable K: int
        [<DefaultValue>] val mutable A: 'T[]
        [<DefaultValue>] val mutable Lda: int
        [<DefaultValue>] val mutable B: 'T[]
        [<DefaultValue>] val mutable Ldb: int
        [<DefaultValue>] val mutable C: 'T[]
        [<DefaultValue>] val mutable Ldc: int
        [<DefaultValue>] val mutable Accumulate: bool
        [<DefaultValue>] val mutable Direct: bool
        [<DefaultValue>] val mutable ByRows: bool
        [<DefaultValue>] val mutable Units: int
        [<DefaultValue>] val mutable Parts: int
        /// Whether the parts pack the operand they all read whole (op(B) when split by rows, op(A)
        /// by columns) together into Packed0/Packed1 (only when all parts run at once: the pool).
        [<DefaultValue>] val mutable Shared: bool
        [<DefaultValue>] val mutable Packed0: Packed<'T>
        [<DefaultValue>] val mutable Packed1: Packed<'T>
        [<DefaultValue>] val mutable Arrived: int
        [<DefaultValue>] val mutable Generation: int
        /// Set when a part failed: the others stop waiting for it at the barrier.
        [<DefaultValue>] val mutable Failed: bool

        member j.Set(isa, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, direct, byRows, units, parts) =
            j.Isa <- isa; j.TransA <- transA; j.TransB <- transB; j.M <- m; j.N <- n; j.K <- k
            j.A <- a; j.Lda <- lda; j.B <- b; j.Ldb <- ldb; j.C <- c; j.Ldc <- ldc; j.Accumulate <- accumulate
            j.Direct <- direct; j.ByRows <- byRows; j.Units <- units; j.Parts <- parts; j.Shared <- false

        /// Turns on shared packing when the shape allows it (the parts then wait for each other:
        /// only for parts that all run at the same time).
        member j.Share() =
            let mr, nr = tileOf<'T> j.Isa
            // Split by columns, every part must visit the same blocks of op(A): one column block each.
            if sharePacking && int64 j.M * int64 j.N * int64 j.K >= shareThreshold && not j.Direct && j.K > 0 && (j.ByRows || j.N <= NC) then
                let size = (if j.ByRows then ((min NC j.N + nr - 1) / nr) * nr else ((min MC j.M + mr - 1) / mr) * mr) * bufferDepth j.K
                if isNull j.Packed0.Array || j.Packed0.Array.Length - 64 / sizeof<'T> < size then
                    j.Packed0 <- pinnedAligned size
                    j.Packed1 <- pinnedAligned size
                j.Arrived <- 0
                j.Failed <- false
                j.Shared <- true

        /// Waits until every part has arrived here (the packed block is complete).
        member j.Arrive() =
            let generation = Threading.Volatile.Read(&j.Generation)
            if Threading.Interlocked.Increment(&j.Arrived) = j.Parts then
                j.Arrived <- 0
                Threading.Interlocked.Increment(&j.Generation) |> ignore
            else
                let mutable spin = Threading.SpinWait()
                // Never Sleep(1) (SpinOnce's default): a 1 ms nap is longer than a whole product here.
                while Threading.Volatile.Read(&j.Generation) = generation && not (Threading.Volatile.Read(&j.Failed)) do spin.SpinOnce(-1)
                if Threading.Volatile.Read(&j.Failed) then
                    raise (OtherPartFailed())

        /// Part q (rows i0 .. i1−1, columns j0 .. j1−1 of C) with shared packing: each block of the
        /// operand every part reads whole is packed once, part q packing the q-th share of its
        /// panels, into one of two buffers in turn (a part packs block b + 2 only after every part
        /// has arrived at block b + 1, so after all have finished block b). Packing only moves
        /// values: the summation order is that of `blocked`.
        member j.RunShared(q: int, i0: int, i1: int, j0: int, j1: int) =
            let mr, nr = tileOf<'T> j.Isa
            let k = j.K
            let kcStep = depthStep k
            let pT = Buffers<'T>.Tile(mr * nr)
            use pC = fixed j.C
            let p0, p1 = j.Packed0.Start, j.Packed1.Start
            let mutable block = 0
            if j.ByRows then
                let pA = Buffers<'T>.A(((min MC (max 1 (i1 - i0)) + mr - 1) / mr) * mr * bufferDepth k)
                let mutable jc = 0
                while jc < j.N do
                    let nc = min NC (j.N - jc)
                    let panels = (nc + nr - 1) / nr
                    let s0, s1 = q * panels / j.Parts, (q + 1) * panels / j.Parts
                    let mutable pc = 0
                    while pc < k do
                        let kc = min kcStep (k - pc)
                        let load = j.Accumulate || pc > 0
                        let pB = if block % 2 = 0 then p0 else p1
                        if s1 > s0 then packB j.TransB j.B j.Ldb pc kc (jc + s0 * nr) (min nc (s1 * nr) - s0 * nr) nr (at pB (s0 * kc * nr))
                        j.Arrive()
                        let mutable ic = i0
                        while ic < i1 do
                            let mc = min MC (i1 - ic)
                            packA j.TransA j.A j.Lda ic mc pc kc mr pA
                            macroFor j.Isa kc mc nc pA pB pT pC j.Ldc ic jc load
                            ic <- ic + mc
                        block <- block + 1
                        pc <- pc + kc
                    jc <- jc + nc
            else
                let nc = j1 - j0
                let pB = Buffers<'T>.B(((max 1 nc + nr - 1) / nr) * nr * bufferDepth k)
                let mutable pc = 0
                while pc < k do
                    let kc = min kcStep (k - pc)
                    let load = j.Accumulate || pc > 0
                    if nc > 0 then packB j.TransB j.B j.Ldb pc kc j0 nc nr pB
                    let mutable ic = 0
                    while ic < j.M do
                        let mc = min MC (j.M - ic)
                        let panels = (mc + mr - 1) / mr
                        let s0, s1 = q * panels / j.Parts, (q + 1) * panels / j.Parts
                        let pA = if block % 2 = 0 then p0 else p1
                        if s1 > s0 then packA j.TransA j.A j.Lda (ic + s0 * mr) (min mc (s1 * mr) - s0 * mr) pc kc mr (at pA (s0 * kc * mr))
                        j.Arrive()
                        if nc > 0 then macroFor j.Isa kc mc nc pA pB pT pC j.Ldc ic j0 load
                        block <- block + 1
                        ic <- ic + mc
                    pc <- pc + kc

        /// Drops the references to the caller's arrays once the product is done.
        member j.Clear() = j.A <- null; j.B <- null; j.C <- null

        /// Computes part q.
        member j.Run(q: int) =
            let mr, nr = tileOf<'T> j.Isa
            let cut (q: int) =
                if j.ByRows then min j.M (q * j.Units / j.Parts * mr) else min j.N (q * j.Units / j.Parts * nr)
            let i0, i1, j0, j1 = if j.ByRows then cut q, cut (q + 1), 0, j.N else 0, j.M, cut q, cut (q + 1)
            if j.Direct then rows (j.Isa <> Scalar) j.TransA j.N j.K j.A j.Lda j.B j.Ldb j.C j.Ldc j.Accumulate i0 i1
            elif j.Shared then
                try j.RunShared(q, i0, i1, j0, j1)
                with _ ->
                    Threading.Volatile.Write(&j.Failed, true)
                    reraise ()
            else blocked j.Isa j.TransA j.TransB j.K j.A j.Lda j.B j.Ldb j.C j.Ldc j.Accumulate i0 i1 j0 j1

        interface IParts with
            member j.Parts = j.Parts
            member j.Run q = j.Run q

    /// Resident worker threads for split products (and other IParts work, runParts): the caller runs
    /// part 0 and the workers the others, signalled through semaphores, so a split product allocates
    /// nothing (Parallel.For allocates on every call). One product at a time: a caller that finds the
    /// pool busy (another thread's product) runs its parts with Parallel.For instead.
    type private Pool<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> private () =
        static let gate = obj ()
        static let job = Job<'T>()
        static let start = new Threading.SemaphoreSlim(0)
        static let finished = new Threading.SemaphoreSlim(0)
        static let next = [| 0 |]
        static let mutable failure : exn = null
        static let mutable workers = 0
        /// The work the workers run: the product job, or the caller's own IParts.
        static let mutable current : IParts = null
        static let work () =
            while true do
                waitHot start
                try
                    try current.Run(Threading.Interlocked.Increment(&next.[0]))
                    with e -> failure <- e
                finally finished.Release() |> ignore

        /// Runs every part of `current` (inside the gate): part 0 on the caller, the others on the
        /// workers (started on first need); re-raises the first failure.
        static let runCurrent () =
            let helpers = current.Parts - 1
            while workers < helpers do
                Threading.Thread(work, IsBackground = true, Name = "Hybrid.Gemm worker").Start()
                workers <- workers + 1
            next.[0] <- 0
            failure <- null
            start.Release(helpers) |> ignore
            let mutable mine : exn = null
            try current.Run 0 with e -> mine <- e
            for _ in 1 .. helpers do waitHot finished
            current <- null
            let first = if isNull mine || (mine :? OtherPartFailed && not (isNull failure)) then failure else mine
            if not (isNull first) then raise first

        /// Runs all parts of the product; false (nothing run) when the pool is busy.
        static member TryRun(isa, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, direct, byRows, units, parts) : bool =
            if not (Threading.Monitor.TryEnter gate) then false
            else
                try
                    job.Set(isa, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, direct, byRows, units, parts)
                    job.Share()
                    current <- job
                    try runCurrent () finally job.Clear()
                    true
                finally Threading.Monitor.Exit gate

        /// Runs all parts of `parts` on the same threads; false (nothing run) when the pool is busy.
        static member TryRun(parts: IParts) : bool =
            if not (Threading.Monitor.TryEnter gate) then false
            else
                try
                    current <- parts
                    runCurrent ()
                    true
                finally Threading.Monitor.Exit gate

    /// Runs the parts of `parts` at once: on the resident workers of element type 'T (the threads of
    /// the split products, so they are awake during training), or with Parallel.For when another
    /// thread holds them.
    let runParts<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (parts: IParts) : unit =
        if parts.Parts <= 1 then parts.Run 0
        elif not (Pool<'T>.TryRun parts) then Parallel.For(0, parts.Parts, fun q -> parts.Run q) |> ignore

    /// C ← op(A)·op(B) (+ C) on row-major arrays (arguments already checked by Backend), with the
    /// given micro-kernel and at most `threads` threads (whatever the product's size: `multiply`
    /// applies the parallel threshold). The split over threads is fixed by the shape and the
    /// thread count: the larger of C's two dimensions is cut into equal runs of whole micro-tiles.
    let multiplyWith<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
                     (isa: Isa) (threads: int) (transA: bool) (transB: bool) (m: int) (n: int) (k: int)
                     (a: 'T[]) (lda: int) (b: 'T[]) (ldb: int) (c: 'T[]) (ldc: int) (accumulate: bool) : unit =
        if m > 0 && n > 0 then
            let mr, nr = tileOf<'T> isa
            let direct = not transB && m < mr
            let t = max 1 threads
            let byRows = direct || m >= n
            let units = if byRows then (m + mr - 1) / mr else (n + nr - 1) / nr
            let parts = min t units
            if parts <= 1 then
                if direct then rows (isa <> Scalar) transA n k a lda b ldb c ldc accumulate 0 m
                else blocked isa transA transB k a lda b ldb c ldc accumulate 0 m 0 n
            else
                if not (Pool<'T>.TryRun(isa, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, direct, byRows, units, parts)) then
                    let j = Job<'T>()
                    j.Set(isa, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, direct, byRows, units, parts)
                    Parallel.For(0, parts, fun q -> j.Run q) |> ignore

    /// C ← op(A)·op(B) (+ C) at element type 'T (float or float32) with the micro-kernel detected for
    /// this machine, on `threads` threads from parallelThreshold multiply-adds up, else on the calling
    /// thread.
    let multiply<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (transA: bool) (transB: bool) (m: int) (n: int) (k: int)
                 (a: 'T[]) (lda: int) (b: 'T[]) (ldb: int) (c: 'T[]) (ldc: int) (accumulate: bool) : unit =
        let t = if int64 m * int64 n * int64 k >= parallelThreshold then threads else 1
        multiplyWith detected t transA transB m n k a lda b ldb c ldc accumulate
