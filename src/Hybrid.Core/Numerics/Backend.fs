namespace Hybrid.Core

#nowarn "9" // native pointers: pinned arrays handed to OpenBLAS.

open System
open System.Numerics
open System.Runtime.InteropServices
open Microsoft.FSharp.NativeInterop

/// OpenBLAS's cblas_dgemm and cblas_sgemm, loaded by name at run time (Debian: libopenblas0-pthread). Never
/// required: `available` is false when the library is absent, and nothing is called then.
module internal OpenBlas =
    /// The file looked up by name (the dynamic loader's search path).
    [<Literal>]
    let Library = "libopenblas.so.0"

    [<DllImport(Library, CallingConvention = CallingConvention.Cdecl)>]
    extern void cblas_dgemm(int order, int transA, int transB, int m, int n, int k, double alpha,
                            nativeint a, int lda, nativeint b, int ldb, double beta, nativeint c, int ldc)

    [<DllImport(Library, CallingConvention = CallingConvention.Cdecl)>]
    extern void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float32 alpha,
                            nativeint a, int lda, nativeint b, int ldb, float32 beta, nativeint c, int ldc)

    /// Whether the library loads and exports cblas_dgemm.
    let available : Lazy<bool> =
        lazy (
            let mutable handle = 0n
            let mutable symbol = 0n
            NativeLibrary.TryLoad(Library, &handle) && NativeLibrary.TryGetExport(handle, "cblas_dgemm", &symbol))

    /// C ← op(A)·op(B) (+ C): cblas_dgemm (float) or cblas_sgemm (float32) with RowMajor,
    /// alpha = 1, beta = 1 or 0.
    let gemm<'T when 'T: unmanaged> (transA: bool) (transB: bool) (m: int) (n: int) (k: int)
                                    (a: 'T[]) (lda: int) (b: 'T[]) (ldb: int) (c: 'T[]) (ldc: int) (accumulate: bool) : unit =
        if m > 0 && n > 0 then
            use pa = fixed a
            use pb = fixed b
            use pc = fixed c
            let rowMajor, noTrans, trans = 101, 111, 112
            let ta, tb = (if transA then trans else noTrans), (if transB then trans else noTrans)
            let pa, pb, pc = NativePtr.toNativeInt pa, NativePtr.toNativeInt pb, NativePtr.toNativeInt pc
            if Type.op_Equality(typeof<'T>, typeof<float>) then
                cblas_dgemm(rowMajor, ta, tb, m, n, k, 1.0, pa, lda, pb, ldb, (if accumulate then 1.0 else 0.0), pc, ldc)
            else
                cblas_sgemm(rowMajor, ta, tb, m, n, k, 1.0f, pa, lda, pb, ldb, (if accumulate then 1.0f else 0.0f), pc, ldc)

/// Dense float64 and float32 products on row-major arrays: C ← op(A)·op(B) (+ C when accumulate), op(X) = X or Xᵀ.
/// op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are the row strides of the stored arrays.
/// This is the one seam between the core and a product kernel (docs/performance.md).
///
/// Two backends: "managed" (Gemm.fs, the default: deterministic to the bit on every machine,
/// see Gemm) and "openblas" (OpenBLAS's cblas_dgemm / cblas_sgemm when libopenblas.so.0 is on the
/// system). Both element types run the same code (Gemm and the checks are generic over 'T).
/// The environment variable HYBRID_BACKEND=managed|openblas, read once at the first product,
/// or Backend.Use(name) choose one; Backend.Name reports which one runs.
type Backend private () =
    static let allowed = "the allowed values are \"managed\" and \"openblas\""
    static let missing = sprintf "%s was not found on this system (Debian: apt-get install libopenblas0-pthread)" OpenBlas.Library
    /// None until the first product or Use: then Ok openblas? or the error of a bad HYBRID_BACKEND.
    static let mutable chosen : Result<bool, string> option = None

    /// The backend a setting names: Ok false for managed, Ok true for openblas, or Error with the
    /// reason. Blank means the default (managed). Case and surrounding spaces are ignored.
    static member internal Parse(setting: string, openBlasAvailable: bool) : Result<bool, string> =
        match (if isNull setting then "" else setting.Trim().ToLowerInvariant()) with
        | "" | "managed" -> Ok false
        | "openblas" when openBlasAvailable -> Ok true
        | "openblas" -> Error(sprintf "\"openblas\" was asked for but %s; %s." missing allowed)
        | _ -> Error(sprintf "%s is not a backend: %s." (if isNull setting then "null" else "\"" + setting + "\"") allowed)

    /// The choice from HYBRID_BACKEND, with the message an error raises.
    static member internal FromEnvironment(value: string, openBlasAvailable: bool) : Result<bool, string> =
        match Backend.Parse(value, openBlasAvailable) with
        | Error reason -> Error("HYBRID_BACKEND: " + reason)
        | ok -> ok

    /// Whether OpenBLAS runs (resolving HYBRID_BACKEND on first use; a bad value raises
    /// InvalidOperationException on every product until Use picks a backend).
    static member private OpenBlasInForce : bool =
        let c =
            match chosen with
            | Some c -> c
            | None ->
                let setting = Environment.GetEnvironmentVariable "HYBRID_BACKEND"
                let c = Backend.FromEnvironment(setting, (not (String.IsNullOrWhiteSpace setting)) && OpenBlas.available.Value)
                chosen <- Some c
                c
        match c with
        | Ok openBlas -> openBlas
        | Error message -> raise (InvalidOperationException message)

    /// An ArgumentException naming the argument.
    static member private Fail(name: string, message: string) : unit = raise (ArgumentException(message, name))

    /// Checks one operand stored as `rows` rows of `width` entries with row stride ld in an array of
    /// `length` entries (no closure: the product below is generic and runs on every batch step).
    static member private CheckOperand(name: string, ldName: string, length: int, ld: int, rows: int, width: int) : unit =
        if ld < max 1 width then
            Backend.Fail(ldName, sprintf "%s is %d but %s's stored rows are %d wide: it must be ≥ %d." ldName ld name width (max 1 width))
        if rows > 0 && width > 0 then
            let need = int64 (rows - 1) * int64 ld + int64 width
            if int64 length < need then
                Backend.Fail(name, sprintf "%s has %d entries but a %d×%d matrix with row stride %d needs %d." name length rows width ld need)

    /// The checks and the dispatch of both element types (the two Gemm overloads below; generic
    /// code such as the dense layer's buffer version calls it directly).
    static member internal GemmOf<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
                       (transA: bool, transB: bool, m: int, n: int, k: int,
                        a: 'T[], lda: int, b: 'T[], ldb: int, c: 'T[], ldc: int, accumulate: bool) : unit =
        if m < 0 then Backend.Fail("m", sprintf "m is %d: the row count of C must be ≥ 0." m)
        if n < 0 then Backend.Fail("n", sprintf "n is %d: the column count of C must be ≥ 0." n)
        if k < 0 then Backend.Fail("k", sprintf "k is %d: the shared dimension must be ≥ 0." k)
        if isNull a then raise (ArgumentNullException("a"))
        if isNull b then raise (ArgumentNullException("b"))
        if isNull c then raise (ArgumentNullException("c"))
        // (stored rows, stored width) of each operand, in row-major storage.
        if transA then Backend.CheckOperand("a", "lda", a.Length, lda, k, m) else Backend.CheckOperand("a", "lda", a.Length, lda, m, k)
        if transB then Backend.CheckOperand("b", "ldb", b.Length, ldb, n, k) else Backend.CheckOperand("b", "ldb", b.Length, ldb, k, n)
        Backend.CheckOperand("c", "ldc", c.Length, ldc, m, n)
        if Object.ReferenceEquals(c, a) then Backend.Fail("c", "c is the same array as a: the product cannot be written over an operand.")
        if Object.ReferenceEquals(c, b) then Backend.Fail("c", "c is the same array as b: the product cannot be written over an operand.")
        if Backend.OpenBlasInForce then OpenBlas.gemm transA transB m n k a lda b ldb c ldc accumulate
        else Gemm.multiply transA transB m n k a lda b ldb c ldc accumulate

    /// C ← op(A)·op(B) (+ C) on row-major arrays. A is stored m×k (transA = false)
    /// or k×m (transA = true) with row stride lda ≥ its width; likewise B is stored k×n or n×k
    /// with row stride ldb, and C is m×n with row stride ldc ≥ n. Entries of C outside its m×n
    /// window are not touched; c must not be the same array as a or b. Bad sizes, strides or
    /// lengths raise ArgumentException naming the argument.
    /// Checked by: MatProperties "S13 / products / Backend.Gemm equals the naive triple loop (all
    /// four op forms, ragged sizes, strides, accumulate)" (under each backend), BackendTests
    /// "Backend.Gemm rejects bad sizes, strides, lengths and aliasing, naming the argument".
    static member Gemm(transA: bool, transB: bool, m: int, n: int, k: int,
                       a: float[], lda: int, b: float[], ldb: int, c: float[], ldc: int, accumulate: bool) : unit =
        Backend.GemmOf(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate)

    /// The same product at float32: C ← op(A)·op(B) (+ C), the same checks and contract as the
    /// float64 Gemm (the managed kernel is the same generic code, its micro-kernels twice as wide in
    /// entries; OpenBLAS runs cblas_sgemm). Checked by: ElementTypeTests "S13 the managed float32
    /// product is the sequential float32 fused multiply-add chain, bit for bit".
    static member Gemm(transA: bool, transB: bool, m: int, n: int, k: int,
                       a: float32[], lda: int, b: float32[], ldb: int, c: float32[], ldc: int, accumulate: bool) : unit =
        Backend.GemmOf(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate)

    /// "managed" or "openblas": the backend in force.
    static member Name : string = if Backend.OpenBlasInForce then "openblas" else "managed"

    /// Whether libopenblas.so.0 loads on this system (so Use "openblas" can succeed).
    static member OpenBlasAvailable : bool = OpenBlas.available.Value

    /// Forces a backend for the rest of the process: "managed" or "openblas" (case-insensitive),
    /// overriding HYBRID_BACKEND. An unknown name, or "openblas" where libopenblas.so.0 is absent,
    /// raises ArgumentException naming the allowed values or the missing file.
    /// Checked by: BackendTests "An unknown HYBRID_BACKEND names the variable, the value and the allowed values".
    static member Use(name: string) : unit =
        match Backend.Parse(name, OpenBlas.available.Value) with
        | Ok openBlas -> chosen <- Some(Ok openBlas)
        | Error reason -> raise (ArgumentException(reason, "name"))

    /// How many threads the managed kernel may use (default: the processor count). The result
    /// does not depend on it, bit for bit (Gemm). Values below 1 raise ArgumentException.
    static member Threads
        with get () : int = Gemm.threads
        and set (value: int) =
            if value < 1 then raise (ArgumentException(sprintf "Threads is %d: it must be at least 1." value, "value"))
            Gemm.threads <- value
