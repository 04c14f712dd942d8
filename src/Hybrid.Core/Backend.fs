namespace Hybrid.Core

open System

/// Dense float64 products on row-major arrays: C ← op(A)·op(B) (+ C when accumulate), op(X) = X or Xᵀ.
/// op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are the row strides of the stored arrays.
/// This is the one seam between the core and a product kernel (issue 8, docs/performance.md).
type Backend =
    /// C ← op(A)·op(B) (+ C when accumulate) on row-major arrays. A is stored m×k (transA = false)
    /// or k×m (transA = true) with row stride lda ≥ its width; likewise B is stored k×n or n×k
    /// with row stride ldb, and C is m×n with row stride ldc ≥ n. Entries of C outside its m×n
    /// window are not touched; c must not be the same array as a or b. Bad sizes, strides or
    /// lengths raise ArgumentException naming the argument.
    /// Checked by: MatProperties "S13 products equal MathNet's: A·B, Aᵀ·B and A·Bᵀ".
    static member Gemm(transA: bool, transB: bool, m: int, n: int, k: int,
                       a: float[], lda: int, b: float[], ldb: int, c: float[], ldc: int, accumulate: bool) : unit =
        let fail (name: string) (message: string) = raise (ArgumentException(message, name))
        if m < 0 then fail "m" (sprintf "m is %d: the row count of C must be ≥ 0." m)
        if n < 0 then fail "n" (sprintf "n is %d: the column count of C must be ≥ 0." n)
        if k < 0 then fail "k" (sprintf "k is %d: the shared dimension must be ≥ 0." k)
        if isNull a then raise (ArgumentNullException("a"))
        if isNull b then raise (ArgumentNullException("b"))
        if isNull c then raise (ArgumentNullException("c"))
        // (stored rows, stored width) of each operand, in row-major storage.
        let check (name: string) (ldName: string) (x: float[]) (ld: int) (rows: int) (width: int) =
            if ld < max 1 width then
                fail ldName (sprintf "%s is %d but %s's stored rows are %d wide: it must be ≥ %d." ldName ld name width (max 1 width))
            if rows > 0 && width > 0 then
                let need = int64 (rows - 1) * int64 ld + int64 width
                if int64 x.Length < need then
                    fail name (sprintf "%s has %d entries but a %d×%d matrix with row stride %d needs %d." name x.Length rows width ld need)
        if transA then check "a" "lda" a lda k m else check "a" "lda" a lda m k
        if transB then check "b" "ldb" b ldb n k else check "b" "ldb" b ldb k n
        check "c" "ldc" c ldc m n
        if Object.ReferenceEquals(c, a) then fail "c" "c is the same array as a: the product cannot be written over an operand."
        if Object.ReferenceEquals(c, b) then fail "c" "c is the same array as b: the product cannot be written over an operand."
        if m > 0 && n > 0 then
            // op(A) and op(B) copied column-major for the column-major kernel, then C written back.
            let aCol = Array.zeroCreate<float> (m * k)
            for i in 0 .. m - 1 do
                for p in 0 .. k - 1 do
                    aCol.[p * m + i] <- if transA then a.[p * lda + i] else a.[i * lda + p]
            let bCol = Array.zeroCreate<float> (k * n)
            for p in 0 .. k - 1 do
                for j in 0 .. n - 1 do
                    bCol.[j * k + p] <- if transB then b.[j * ldb + p] else b.[p * ldb + j]
            let r = Gemm.multiply m k n aCol bCol k 1
            for i in 0 .. m - 1 do
                for j in 0 .. n - 1 do
                    let v = r.[j * m + i]
                    c.[i * ldc + j] <- if accumulate then c.[i * ldc + j] + v else v

    /// "managed" or "openblas": the backend in force.
    static member Name : string = "managed"
