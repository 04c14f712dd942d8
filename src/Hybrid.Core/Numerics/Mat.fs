namespace Hybrid.Core

open MathNet.Numerics.LinearAlgebra

/// Thin helpers over MathNet.Numerics dense float64 matrices, so the rest of the core reads
/// like the math. Convention (docs/notation.md): one example per row, X is n×d.
module Mat =
    /// The builder for dense float64 matrices.
    let private build = Matrix<float>.Build

    /// The most entries one matrix may hold: the largest .NET array, Array.MaxLength =
    /// 2,147,483,591 (a dense matrix keeps its entries in one array).
    let maxEntries : int64 = int64 System.Array.MaxLength

    /// Raises ArgumentException(paramName) unless rows×cols, computed in 64 bits (so it cannot
    /// wrap around), is at most maxEntries; the message gives the product and the limit.
    let checkEntries (paramName: string) (rows: int) (cols: int) : unit =
        let n = int64 rows * int64 cols
        if n > maxEntries then
            raise (System.ArgumentException(sprintf "%s: a %d×%d matrix would have %d entries, more than the limit of %d (the largest .NET array)." paramName rows cols n maxEntries, paramName))

    /// A rows×cols matrix of zeros.
    let zeros (rows: int) (cols: int) : Matrix<float> =
        checkEntries "cols" rows cols
        build.Dense(rows, cols)

    /// A rows×cols matrix with every entry equal to value.
    let constant (rows: int) (cols: int) (value: float) : Matrix<float> =
        checkEntries "cols" rows cols
        build.Dense(rows, cols, value)

    /// A rows×cols matrix with entry (i, j) = f i j.
    let init (rows: int) (cols: int) (f: int -> int -> float) : Matrix<float> =
        checkEntries "cols" rows cols
        build.Dense(rows, cols, f)

    /// A matrix from a 2-D array (copied).
    let ofArray2 (a: float[,]) : Matrix<float> = build.DenseOfArray a

    /// A matrix from rows (copied); every row must have the same length.
    let ofRows (rows: float[][]) : Matrix<float> = build.DenseOfRowArrays rows

    /// A 1×m row matrix from values (copied).
    let row (values: float[]) : Matrix<float> = build.DenseOfRowArrays [| values |]

    /// The rows of a matrix as arrays.
    let toRows (m: Matrix<float>) : float[][] = m.ToRowArrays()

    /// "rows×cols", for messages.
    let shape (m: Matrix<float>) : string = sprintf "%d×%d" m.RowCount m.ColumnCount

    /// Whether two matrices have the same shape.
    let sameShape (a: Matrix<float>) (b: Matrix<float>) : bool =
        a.RowCount = b.RowCount && a.ColumnCount = b.ColumnCount

    /// Element-wise map: (f A)_ij = f(A_ij).
    let map (f: float -> float) (m: Matrix<float>) : Matrix<float> = m.Map(f)

    /// Element-wise map of two same-shaped matrices: C_ij = f(A_ij, B_ij).
    let map2 (f: float -> float -> float) (a: Matrix<float>) (b: Matrix<float>) : Matrix<float> =
        build.Dense(a.RowCount, a.ColumnCount, fun i j -> f a.[i, j] b.[i, j])

    /// Hadamard (element-wise) product A ⊙ B (S16's ⊙ σ′(z), S17's vectorised update).
    let hadamard (a: Matrix<float>) (b: Matrix<float>) : Matrix<float> = a.PointwiseMultiply b

    /// Σ_ij A_ij.
    let sum (m: Matrix<float>) : float = m.Enumerate() |> Seq.sum

    /// Column sums as a 1×m row: 1ᵀ·A (the bias gradient of a batch, db = 1ᵀ·dZ, S15).
    let sumRows (m: Matrix<float>) : Matrix<float> = build.DenseOfRowVectors [| m.ColumnSums() |]

    /// Column means as a 1×m row: (1/n)·1ᵀ·A.
    let meanRows (m: Matrix<float>) : Matrix<float> = sumRows m / float m.RowCount

    /// A + 1·b: adds the 1×m row b to every row of the n×m matrix A (broadcast of a bias, S14).
    let addRow (a: Matrix<float>) (b: Matrix<float>) : Matrix<float> =
        build.Dense(a.RowCount, a.ColumnCount, fun i j -> a.[i, j] + b.[0, j])

    /// The largest entry of each row, as an n-vector (a reduction, like RowSums).
    let rowMax (m: Matrix<float>) : Vector<float> =
        Vector<float>.Build.Dense(m.RowCount, fun i -> m.Row(i).Maximum())

    /// A − v·1ᵀ: subtracts v_i from every entry of row i.
    let subtractFromRows (a: Matrix<float>) (v: Vector<float>) : Matrix<float> = a.MapIndexed(fun i _ x -> x - v.[i])

    /// diag(v)⁻¹·A: divides every entry of row i by v_i.
    let divideRows (a: Matrix<float>) (v: Vector<float>) : Matrix<float> = a.MapIndexed(fun i _ x -> x / v.[i])

    /// The index of the largest entry of each row (first one on ties): argmax of S32.
    let argmaxRows (m: Matrix<float>) : int[] =
        Array.init m.RowCount (fun i -> m.Row(i).MaximumIndex())

    /// Row sums as an n-vector: A·1.
    let rowSums (m: Matrix<float>) : Vector<float> = m.RowSums()

    /// diag(v)·A: multiplies every entry of row i by v_i.
    let scaleRows (a: Matrix<float>) (v: Vector<float>) : Matrix<float> = a.MapIndexed(fun i _ x -> x * v.[i])

    /// Σ_i v_i.
    let sumVector (v: Vector<float>) : float = v.Sum()

    /// The entry of each row at the given column: (A_{i, c_i})_i, an n-vector.
    let pick (columns: int[]) (m: Matrix<float>) : Vector<float> =
        Vector<float>.Build.Dense(m.RowCount, fun i -> m.[i, columns.[i]])

    /// A matrix shaped as m with entry (i, j) = f i j m_ij (element-wise work that needs the position).
    let mapIndexed (f: int -> int -> float -> float) (m: Matrix<float>) : Matrix<float> = m.MapIndexed(fun i j x -> f i j x)

    /// The first entry (row-major order) for which `bad` holds, as Some(i, j, value), else None.
    let tryFindEntry (bad: float -> bool) (m: Matrix<float>) : (int * int * float) option =
        let mutable found = None
        let mutable i = 0
        while found.IsNone && i < m.RowCount do
            for j in 0 .. m.ColumnCount - 1 do
                if found.IsNone && bad m.[i, j] then found <- Some(i, j, m.[i, j])
            i <- i + 1
        found

    /// The (row, column) of the first entry (row-major order) that is NaN or ±∞, else None.
    let firstNonFinite (m: Matrix<float>) : (int * int) option =
        tryFindEntry (fun v -> not (System.Double.IsFinite v)) m |> Option.map (fun (i, j, _) -> i, j)

    /// The first row (in order) for which `bad` holds of the row's entries, as Some(i, row), else None.
    let tryFindRow (bad: float[] -> bool) (m: Matrix<float>) : (int * float[]) option =
        Seq.init m.RowCount (fun i -> i, m.Row(i).ToArray()) |> Seq.tryFind (fun (_, r) -> bad r)

    /// The single entry of a 1×1 matrix.
    let scalar (m: Matrix<float>) : float = m.[0, 0]

    /// The entries row by row in one array (row-major copy).
    let toRowMajor (m: Matrix<float>) : float[] = m.ToRowMajorArray()

    /// A rows×cols matrix from row-major values (copied).
    let ofRowMajor (rows: int) (cols: int) (values: float[]) : Matrix<float> = build.DenseOfRowMajor(rows, cols, values)

    /// ln Σ_j e^(A_ij) for each row, shifted by the row max so that e^x never overflows:
    /// max_j A_ij + ln Σ_j e^(A_ij − max_j A_ij). Shapes: n×k -> n.
    let logSumExpRows (a: Matrix<float>) : Vector<float> =
        let m = rowMax a
        m + (rowSums (map System.Math.Exp (subtractFromRows a m))).PointwiseLog()

    /// An n-vector from values (copied).
    let vector (values: float[]) : Vector<float> = Vector<float>.Build.DenseOfArray values

    /// Whether every entry is finite (no NaN, no ±∞).
    let isFinite (m: Matrix<float>) : bool = m.Enumerate() |> Seq.forall System.Double.IsFinite

    /// The column-major entries of m: the storage itself for a dense matrix (no copy), else a copy.
    let private columnMajor (m: Matrix<float>) : float[] =
        match m with
        | :? MathNet.Numerics.LinearAlgebra.Double.DenseMatrix as d when d.Values.Length = d.RowCount * d.ColumnCount -> d.Values
        | _ -> m.ToColumnMajorArray()

    let private ofColumnMajor (rows: int) (cols: int) (values: float[]) : Matrix<float> =
        MathNet.Numerics.LinearAlgebra.Double.DenseMatrix(rows, cols, values) :> Matrix<float>

    /// The matrix product A·B (A n×k, B k×m -> n×m) through Backend.Gemm (docs/performance.md).
    /// MathNet stores column-major, i.e. the row-major storage of the transpose, so the backend
    /// computes Cᵀ = Bᵀ·Aᵀ on the stored arrays as they are. Checked by: MatProperties
    /// "S13 / products / A·B, Aᵀ·B and A·Bᵀ equal MathNet's".
    let mul (a: Matrix<float>) (b: Matrix<float>) : Matrix<float> =
        if a.ColumnCount <> b.RowCount then
            invalidArg "b" (sprintf "a is %s and b is %s: b needs %d rows to multiply a." (shape a) (shape b) a.ColumnCount)
        let n, k, m = a.RowCount, a.ColumnCount, b.ColumnCount
        let c = Array.zeroCreate<float> (n * m)
        Backend.Gemm(false, false, m, n, k, columnMajor b, max 1 k, columnMajor a, max 1 n, c, max 1 n, false)
        ofColumnMajor n m c

    /// Aᵀ·B (A n×k, B n×m -> k×m), e.g. dW = Xᵀ·dZ, without forming Aᵀ (Cᵀ = Bᵀ·A on the stored
    /// arrays). Checked by: MatProperties "S13 / products / A·B, Aᵀ·B and A·Bᵀ equal MathNet's".
    let mulTN (a: Matrix<float>) (b: Matrix<float>) : Matrix<float> =
        if a.RowCount <> b.RowCount then
            invalidArg "b" (sprintf "a is %s and b is %s: aᵀ·b needs the same number of rows." (shape a) (shape b))
        let n, k, m = a.RowCount, a.ColumnCount, b.ColumnCount
        let c = Array.zeroCreate<float> (k * m)
        Backend.Gemm(false, true, m, k, n, columnMajor b, max 1 n, columnMajor a, max 1 n, c, max 1 k, false)
        ofColumnMajor k m c

    /// A·Bᵀ (A n×k, B m×k -> n×m), e.g. dX = dZ·Wᵀ, without forming Bᵀ (Cᵀ = B·Aᵀ on the stored
    /// arrays). Checked by: MatProperties "S13 / products / A·B, Aᵀ·B and A·Bᵀ equal MathNet's".
    let mulNT (a: Matrix<float>) (b: Matrix<float>) : Matrix<float> =
        if a.ColumnCount <> b.ColumnCount then
            invalidArg "b" (sprintf "a is %s and b is %s: a·bᵀ needs the same number of columns." (shape a) (shape b))
        let n, k, m = a.RowCount, a.ColumnCount, b.RowCount
        let c = Array.zeroCreate<float> (n * m)
        Backend.Gemm(true, false, m, n, k, columnMajor b, max 1 m, columnMajor a, max 1 n, c, max 1 n, false)
        ofColumnMajor n m c

    /// The rows with the given indices, in that order, as a new matrix.
    let selectRows (indices: int[]) (m: Matrix<float>) : Matrix<float> =
        build.Dense(indices.Length, m.ColumnCount, fun i j -> m.[indices.[i], j])

    /// (A + Aᵀ)/2: the symmetric part of a square matrix (a covariance rounded back to symmetry, S30).
    let symmetricPart (m: Matrix<float>) : Matrix<float> = (m + m.Transpose()) / 2.0

    /// The first k columns of A, as a new matrix.
    let leftColumns (k: int) (m: Matrix<float>) : Matrix<float> = m.SubMatrix(0, m.RowCount, 0, k)

    /// A·diag(s): column j multiplied by s_j.
    let scaleColumns (s: float[]) (m: Matrix<float>) : Matrix<float> = m.MapIndexed(fun _ j z -> z * s.[j])

    /// A·diag(s)⁻¹: column j divided by s_j.
    let divideColumns (s: float[]) (m: Matrix<float>) : Matrix<float> = m.MapIndexed(fun _ j z -> z / s.[j])

    /// The entries of A in storage order (for order-free reductions: extremes, histograms).
    let entries (m: Matrix<float>) : seq<float> = m.Enumerate()
