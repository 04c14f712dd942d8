namespace Hybrid.Core

open System
open System.Numerics
open System.Numerics.Tensors

/// The broadcast, sums and checks that the layers' buffer versions (the fast path) run on row-major
/// float[] buffers in place: the bias broadcast Z ← Z + 1·b, the column sums db = 1ᵀ·dZ, and the
/// finiteness check. Each is its matrix function's formula (named per function) iterated over a
/// buffer; nothing here allocates. Checked by: FastPathProperties (properties/Hybrid.Properties).
module internal RowMajor =

    /// Z ← Z + 1·b: adds the row b (length cols) to each of the first `rows` rows of Z
    /// (Mat.addRow, S14).
    let addRow (z: float[]) (rows: int) (cols: int) (b: float[]) : unit =
        let bs = ReadOnlySpan<float>(b, 0, cols)
        for i in 0 .. rows - 1 do
            let r = Span<float>(z, i * cols, cols)
            TensorPrimitives.Add(Span<float>.op_Implicit r, bs, r)

    /// db ← 1ᵀ·dZ: the column sums of the first `rows` rows (Mat.sumRows, S15), rows added in order.
    let columnSums (dz: float[]) (rows: int) (cols: int) (db: float[]) : unit =
        let acc = Span<float>(db, 0, cols)
        acc.Clear()
        for i in 0 .. rows - 1 do
            TensorPrimitives.Add(Span<float>.op_Implicit acc, ReadOnlySpan<float>(dz, i * cols, cols), acc)

    /// Whether the first `count` entries are all finite: Σ x·0 is 0 exactly when no entry is NaN or ±∞.
    let allFinite (x: float[]) (count: int) : bool =
        let w = Vector<float>.Count
        let mutable acc = Vector<float>.Zero
        let mutable i = 0
        while i + w <= count do
            acc <- acc + Vector<float>(x, i) * Vector<float>.Zero
            i <- i + w
        let mutable s = 0.0
        while i < count do
            s <- s + x.[i] * 0.0
            i <- i + 1
        s = 0.0 && Vector.EqualsAll(acc, Vector<float>.Zero)

    /// The index of the first non-finite entry among the first `count` of v, or −1.
    let firstNonFinite (v: float[]) (count: int) : int =
        if allFinite v count then -1
        else
            let mutable j = 0
            while Double.IsFinite v.[j] do j <- j + 1
            j
