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

    /// Whether the `count` entries from `start` are all finite (none NaN or ±∞): TensorPrimitives.IsFiniteAll,
    /// vectorised at the widest width, with no chain between the vectors. It replaced Σ x·0 = 0 on one
    /// Vector<'T> accumulator, whose chain of dependent additions made the two checks of every
    /// gradient and parameter 9% of a float32 MLP step (journal 2026-12-06-peers).
    let allFiniteIn<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (start: int) (count: int) : bool =
        TensorPrimitives.IsFiniteAll(ReadOnlySpan<'T>(x, start, count))

    /// allFiniteIn from the first entry.
    let allFinite<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (count: int) : bool =
        allFiniteIn x 0 count

    /// The index of the first non-finite entry among the first `count` of v, or −1.
    let firstNonFinite<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (v: 'T[]) (count: int) : int =
        if allFinite v count then -1
        else
            let mutable j = 0
            while 'T.IsFinite v.[j] do j <- j + 1
            j
