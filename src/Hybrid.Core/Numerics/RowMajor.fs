namespace Hybrid.Core

#nowarn "9" // native pointers: the vector loops below read pinned arrays without a span per vector.

open System
open System.Numerics
open System.Runtime.Intrinsics
open Microsoft.FSharp.NativeInterop

/// The broadcast, sums and checks that the layers' buffer versions (the fast path) run on row-major
/// buffers in place, at element type 'T (float; float32 as a second instantiation): the bias
/// broadcast Z ← Z + 1·b, the column sums db = 1ᵀ·dZ, and the finiteness check. Each is its matrix
/// function's formula (named per function) iterated over a buffer; nothing here allocates.
/// Checked by: FastPathProperties (properties/Hybrid.Properties).
module internal RowMajor =

    /// x[xo + j] ← x[xo + j] + y[yo + j] for j < n: one addition per entry (so the same bits at any
    /// width), a Vector512 (where the cores run it) or a Vector<'T> at a time, the tail one by one.
    /// A plain loop rather than TensorPrimitives.Add: the same additions, in a method the JIT
    /// compiles in a fraction of the time (the first training step of a process compiles every
    /// method it runs: journal 2026-12-06-steady-state).
    let private addInto<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (xo: int) (y: 'T[]) (yo: int) (n: int) : unit =
        if n > 0 then
            use px = fixed &x.[xo]
            use py = fixed &y.[yo]
            // Both ranges inside their arrays: the pointers below stay there.
            if xo + n > x.Length || yo + n > y.Length then raise (IndexOutOfRangeException())
            let mutable j = 0
            if Vector512.IsHardwareAccelerated then
                while j + Vector512<'T>.Count <= n do
                    (Vector512.Load(NativePtr.add px j) + Vector512.Load(NativePtr.add py j)).Store(NativePtr.add px j)
                    j <- j + Vector512<'T>.Count
            while j + Vector<'T>.Count <= n do
                (Vector.Load(NativePtr.add px j) + Vector.Load(NativePtr.add py j)).Store(NativePtr.add px j)
                j <- j + Vector<'T>.Count
            while j < n do
                x.[xo + j] <- x.[xo + j] + y.[yo + j]
                j <- j + 1

    /// Z ← Z + 1·b: adds the row b (length cols) to each of the first `rows` rows of Z
    /// (Mat.addRow, S14).
    let addRow<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (z: 'T[]) (rows: int) (cols: int) (b: 'T[]) : unit =
        for i in 0 .. rows - 1 do
            addInto z (i * cols) b 0 cols

    /// db ← 1ᵀ·dZ: the column sums of the first `rows` rows (Mat.sumRows, S15), rows added in order.
    let columnSums<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (dz: 'T[]) (rows: int) (cols: int) (db: 'T[]) : unit =
        Array.Clear(db, 0, cols)
        for i in 0 .. rows - 1 do
            addInto db 0 dz (i * cols) cols

    /// Whether the `count` entries from `start` are all finite (none NaN or ±∞): IsFinite on a vector
    /// at a time (Vector512 where the cores run it, else Vector<'T>), the masks and-ed together (a
    /// one-cycle chain, where the Σ x·0 on one accumulator it once replaced had a chain of dependent
    /// additions that made the checks 9% of a float32 MLP step: journal 2026-12-06-peers), the tail
    /// by 'T.IsFinite. A plain loop rather than TensorPrimitives.IsFiniteAll: the same test, in a
    /// method the JIT compiles in a fraction of the time (journal 2026-12-06-steady-state).
    let allFiniteIn<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (start: int) (count: int) : bool =
        if count <= 0 then true
        else
            use p = fixed &x.[start]
            if start + count > x.Length then raise (IndexOutOfRangeException()) // the pointers stay inside x
            let mutable j = 0
            let mutable ok = true
            if Vector512.IsHardwareAccelerated then
                // Two masks, so that two vectors are tested per iteration.
                let mutable all0 = Vector512<'T>.AllBitsSet
                let mutable all1 = Vector512<'T>.AllBitsSet
                while j + 2 * Vector512<'T>.Count <= count do
                    all0 <- Vector512.BitwiseAnd(all0, Vector512.IsFinite(Vector512.Load(NativePtr.add p j)))
                    all1 <- Vector512.BitwiseAnd(all1, Vector512.IsFinite(Vector512.Load(NativePtr.add p (j + Vector512<'T>.Count))))
                    j <- j + 2 * Vector512<'T>.Count
                ok <- Vector512.AllWhereAllBitsSet(Vector512.BitwiseAnd(all0, all1))
            let mutable all = Vector<'T>.AllBitsSet
            while j + Vector<'T>.Count <= count do
                all <- Vector.BitwiseAnd(all, Vector.IsFinite(Vector.Load(NativePtr.add p j)))
                j <- j + Vector<'T>.Count
            ok <- ok && Vector.AllWhereAllBitsSet all
            while ok && j < count do
                ok <- 'T.IsFinite x.[start + j]
                j <- j + 1
            ok

    /// target[to + j] ← source[so + j] widened to float, j < count (exact). Like the two below, a plain
    /// loop rather than TensorPrimitives.ConvertTruncating (the same values; compiled faster).
    let widen (source: float32[]) (so: int) (target: float[]) (``to``: int) (count: int) : unit =
        let mutable j = 0
        while j + Vector<float32>.Count <= count do
            let v = Vector<float32>(source, so + j)
            Vector.WidenLower(v).CopyTo(target, ``to`` + j)
            Vector.WidenUpper(v).CopyTo(target, ``to`` + j + Vector<float>.Count)
            j <- j + Vector<float32>.Count
        while j < count do
            target.[``to`` + j] <- float source.[so + j]
            j <- j + 1

    /// target[to + j] ← source[so + j] rounded to float32 (to nearest, as `float32 x`), j < count.
    let narrow (source: float[]) (so: int) (target: float32[]) (``to``: int) (count: int) : unit =
        let mutable j = 0
        while j + Vector<float32>.Count <= count do
            Vector.Narrow(Vector<float>(source, so + j), Vector<float>(source, so + j + Vector<float>.Count)).CopyTo(target, ``to`` + j)
            j <- j + Vector<float32>.Count
        while j < count do
            target.[``to`` + j] <- float32 source.[so + j]
            j <- j + 1

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
