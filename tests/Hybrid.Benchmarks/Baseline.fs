namespace Hybrid.Benchmarks

open System.Threading.Tasks

type private V = System.Numerics.Vector<float>

/// The product kernel as it was before the packed kernel (column-major, 2 SIMD vectors × 4 columns, no
/// blocking), kept verbatim as the A/B baseline of the benchmarks.
module Baseline =

    /// Products with at least this many multiply-adds split their columns over the cores.
    let private parallelThreshold = 2_000_000L

    /// Columns j0 .. j1−1 of C = A·B into c (column-major, n×m), where A is n×k column-major in a
    /// and B's entry (p, j) is b.[j·bc + p·br] (B column-major: bc = k, br = 1; Bᵀ of a
    /// column-major m×k matrix: bc = 1, br = m). Rows go in blocks of h = 2 SIMD vectors: each
    /// block of A is first packed into a contiguous h×k panel (so the p loop reads memory in
    /// order instead of striding n doubles per p), then a register tile of h rows × 4 columns
    /// accumulates over p. The remaining columns and rows are done one by one.
    let private columns (n: int) (k: int) (a: float[]) (b: float[]) (bc: int) (br: int) (c: float[]) (j0: int) (j1: int) : unit =
        let w = V.Count
        let h = 2 * w
        let rowsV = n - n % h
        let panel = Array.zeroCreate<float> (h * k)
        let mutable i = 0
        while i < rowsV do
            for p in 0 .. k - 1 do
                System.Array.Copy(a, p * n + i, panel, p * h, h)
            let mutable j = j0
            while j + 4 <= j1 do
                let mutable c00 = V.Zero
                let mutable c01 = V.Zero
                let mutable c10 = V.Zero
                let mutable c11 = V.Zero
                let mutable c20 = V.Zero
                let mutable c21 = V.Zero
                let mutable c30 = V.Zero
                let mutable c31 = V.Zero
                for p in 0 .. k - 1 do
                    let a0 = V(panel, p * h)
                    let a1 = V(panel, p * h + w)
                    let q = j * bc + p * br
                    let v0 = V(b.[q])
                    let v1 = V(b.[q + bc])
                    let v2 = V(b.[q + 2 * bc])
                    let v3 = V(b.[q + 3 * bc])
                    c00 <- c00 + a0 * v0
                    c01 <- c01 + a1 * v0
                    c10 <- c10 + a0 * v1
                    c11 <- c11 + a1 * v1
                    c20 <- c20 + a0 * v2
                    c21 <- c21 + a1 * v2
                    c30 <- c30 + a0 * v3
                    c31 <- c31 + a1 * v3
                c00.CopyTo(c, j * n + i)
                c01.CopyTo(c, j * n + i + w)
                c10.CopyTo(c, (j + 1) * n + i)
                c11.CopyTo(c, (j + 1) * n + i + w)
                c20.CopyTo(c, (j + 2) * n + i)
                c21.CopyTo(c, (j + 2) * n + i + w)
                c30.CopyTo(c, (j + 3) * n + i)
                c31.CopyTo(c, (j + 3) * n + i + w)
                j <- j + 4
            for jj in j .. j1 - 1 do
                let mutable c0 = V.Zero
                let mutable c1 = V.Zero
                for p in 0 .. k - 1 do
                    let v = V(b.[jj * bc + p * br])
                    c0 <- c0 + V(panel, p * h) * v
                    c1 <- c1 + V(panel, p * h + w) * v
                c0.CopyTo(c, jj * n + i)
                c1.CopyTo(c, jj * n + i + w)
            i <- i + h
        for i in rowsV .. n - 1 do
            for jj in j0 .. j1 - 1 do
                let mutable s = 0.0
                for p in 0 .. k - 1 do
                    s <- s + a.[p * n + i] * b.[jj * bc + p * br]
                c.[jj * n + i] <- s

    /// C = A·B' as a fresh column-major n×m array, with B' given by (b, bc, br) as in `columns`.
    let multiply (n: int) (k: int) (m: int) (a: float[]) (b: float[]) (bc: int) (br: int) : float[] =
        let c = Array.zeroCreate<float> (n * m)
        if int64 n * int64 k * int64 m >= parallelThreshold && m >= 8 then
            let parts = min System.Environment.ProcessorCount (m / 4)
            let per = (m / 4 + parts - 1) / parts * 4
            Parallel.For(0, parts, fun t -> columns n k a b bc br c (min m (t * per)) (if t = parts - 1 then m else min m ((t + 1) * per))) |> ignore
        else
            columns n k a b bc br c 0 m
        c
