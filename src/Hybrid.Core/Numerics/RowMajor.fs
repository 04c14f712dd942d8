namespace Hybrid.Core

open System
open System.Numerics
open System.Numerics.Tensors

/// The broadcast, sums and checks that the layers' buffer versions (the fast path) run on row-major
/// buffers in place, at element type 'T (float; float32 as a second instantiation): the bias
/// broadcast Z ← Z + 1·b, the column sums db = 1ᵀ·dZ, and the finiteness check. Each is its matrix
/// function's formula (named per function) iterated over a buffer; nothing here allocates.
/// Checked by: FastPathProperties (properties/Hybrid.Properties).
module internal RowMajor =

    /// Z ← Z + 1·b: adds the row b (length cols) to each of the first `rows` rows of Z
    /// (Mat.addRow, S14).
    let addRow<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (z: 'T[]) (rows: int) (cols: int) (b: 'T[]) : unit =
        let bs = ReadOnlySpan<'T>(b, 0, cols)
        for i in 0 .. rows - 1 do
            let r = Span<'T>(z, i * cols, cols)
            TensorPrimitives.Add(Span<'T>.op_Implicit r, bs, r)

    /// db ← 1ᵀ·dZ: the column sums of the first `rows` rows (Mat.sumRows, S15), rows added in order.
    let columnSums<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (dz: 'T[]) (rows: int) (cols: int) (db: 'T[]) : unit =
        let acc = Span<'T>(db, 0, cols)
        acc.Clear()
        for i in 0 .. rows - 1 do
            TensorPrimitives.Add(Span<'T>.op_Implicit acc, ReadOnlySpan<'T>(dz, i * cols, cols), acc)

    /// Whether the first `count` entries are all finite: Σ x·0 is 0 exactly when no entry is NaN or ±∞.
    let allFinite<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (count: int) : bool =
        let w = Vector<'T>.Count
        let mutable acc = Vector<'T>.Zero
        let mutable i = 0
        while i + w <= count do
            acc <- acc + Vector<'T>(x, i) * Vector<'T>.Zero
            i <- i + w
        let mutable s = 'T.Zero
        while i < count do
            s <- s + x.[i] * 'T.Zero
            i <- i + 1
        'T.IsZero s && Vector.EqualsAll(acc, Vector<'T>.Zero)

    /// The index of the first non-finite entry among the first `count` of v, or −1.
    let firstNonFinite<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (v: 'T[]) (count: int) : int =
        if allFinite v count then -1
        else
            let mutable j = 0
            while 'T.IsFinite v.[j] do j <- j + 1
            j
