namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Argument checks of the core, all in one place. Each raises an ArgumentException that names
/// the argument and, for shapes, prints both shapes.
module Shape =
    /// Raises ArgumentException(message, paramName).
    let fail (paramName: string) (message: string) : 'a = raise (ArgumentException(message, paramName))

    /// The matrix must not be null.
    let notNull (paramName: string) (m: Matrix<float>) : unit =
        if isNull (box m) then raise (ArgumentNullException(paramName))

    /// a and b must have the same shape.
    let same (nameA: string) (a: Matrix<float>) (nameB: string) (b: Matrix<float>) : unit =
        notNull nameA a
        notNull nameB b
        if not (Mat.sameShape a b) then
            fail nameB (sprintf "%s is %s but %s is %s: they must have the same shape." nameA (Mat.shape a) nameB (Mat.shape b))

    /// a's column count must equal b's row count (for a·b).
    let multipliable (nameA: string) (a: Matrix<float>) (nameB: string) (b: Matrix<float>) : unit =
        notNull nameA a
        notNull nameB b
        if a.ColumnCount <> b.RowCount then
            fail nameB (sprintf "%s is %s and %s is %s: %s needs %d rows to multiply %s." nameA (Mat.shape a) nameB (Mat.shape b) nameB a.ColumnCount nameA)

    /// m must be exactly rows×cols.
    let exactly (name: string) (rows: int) (cols: int) (m: Matrix<float>) : unit =
        notNull name m
        if m.RowCount <> rows || m.ColumnCount <> cols then
            fail name (sprintf "%s is %s but must be %d×%d." name (Mat.shape m) rows cols)

    /// m must have the given number of columns.
    let columns (name: string) (cols: int) (m: Matrix<float>) : unit =
        notNull name m
        if m.ColumnCount <> cols then
            fail name (sprintf "%s is %s but must have %d columns." name (Mat.shape m) cols)

    /// m must have at least one row and one column.
    let nonEmpty (name: string) (m: Matrix<float>) : unit =
        notNull name m
        if m.RowCount = 0 || m.ColumnCount = 0 then fail name (sprintf "%s is empty (%s)." name (Mat.shape m))

    /// Every entry of m must be finite; the message names the first bad row and column.
    let finite (name: string) (m: Matrix<float>) : unit =
        notNull name m
        match Mat.tryFindEntry (fun v -> not (Double.IsFinite v)) m with
        | Some(i, j, v) -> fail name (sprintf "%s has a non-finite value %g at row %d, column %d." name v i j)
        | None -> ()

    /// x must be finite and > 0.
    let positive (name: string) (x: float) : unit =
        if not (Double.IsFinite x) || x <= 0.0 then fail name (sprintf "%s must be a finite number > 0 but is %g." name x)

    /// x must be finite and >= 0.
    let nonNegative (name: string) (x: float) : unit =
        if not (Double.IsFinite x) || x < 0.0 then fail name (sprintf "%s must be a finite number >= 0 but is %g." name x)

    /// x must be finite.
    let finiteScalar (name: string) (x: float) : unit =
        if not (Double.IsFinite x) then fail name (sprintf "%s must be finite but is %g." name x)

    /// n must be >= 1.
    let positiveInt (name: string) (n: int) : unit =
        if n < 1 then fail name (sprintf "%s must be at least 1 but is %d." name n)

    /// rows×cols must fit one matrix (at most Mat.maxEntries, computed without wrap-around); the
    /// error names `name` and gives the product and the limit.
    let entries (name: string) (rows: int) (cols: int) : unit = Mat.checkEntries name rows cols

    /// The most parameters a network may have: its parameter count is an int (Int32.MaxValue).
    let maxParameters : int64 = int64 Int32.MaxValue

    /// A network's total parameter count must be at most maxParameters; the error names `name`
    /// (the argument that pushed it over) and gives the total and the limit.
    let parameterTotal (name: string) (total: int64) : unit =
        if total > maxParameters then
            fail name (sprintf "%s: the network would have %d parameters, more than the limit of %d (Int32.MaxValue)." name total maxParameters)
