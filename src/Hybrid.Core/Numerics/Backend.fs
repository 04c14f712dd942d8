namespace Hybrid.Core

#nowarn "9" // native pointers: pinned arrays handed to OpenBLAS.

open System
open System.Runtime.InteropServices
open Microsoft.FSharp.NativeInterop

/// OpenBLAS's cblas_dgemm, loaded by name at run time (Debian: libopenblas0-pthread). Never
/// required: `available` is false when the library is absent, and nothing is called then.
module internal OpenBlas =
    /// The file looked up by name (the dynamic loader's search path).
    [<Literal>]
    let Library = "libopenblas.so.0"

    [<DllImport(Library, CallingConvention = CallingConvention.Cdecl)>]
    extern void cblas_dgemm(int order, int transA, int transB, int m, int n, int k, double alpha,
                            nativeint a, int lda, nativeint b, int ldb, double beta, nativeint c, int ldc)

    /// Whether the library loads and exports cblas_dgemm.
    let available : Lazy<bool> =
        lazy (
            let mutable handle = 0n
            let mutable symbol = 0n
            NativeLibrary.TryLoad(Library, &handle) && NativeLibrary.TryGetExport(handle, "cblas_dgemm", &symbol))

    /// C ← op(A)·op(B) (+ C): cblas_dgemm(RowMajor, …, alpha = 1, beta = 1 or 0).
    let gemm (transA: bool) (transB: bool) (m: int) (n: int) (k: int)
             (a: float[]) (lda: int) (b: float[]) (ldb: int) (c: float[]) (ldc: int) (accumulate: bool) : unit =
        if m > 0 && n > 0 then
            use pa = fixed a
            use pb = fixed b
            use pc = fixed c
            let rowMajor, noTrans, trans = 101, 111, 112
            cblas_dgemm(rowMajor, (if transA then trans else noTrans), (if transB then trans else noTrans), m, n, k, 1.0,
                        NativePtr.toNativeInt pa, lda, NativePtr.toNativeInt pb, ldb, (if accumulate then 1.0 else 0.0),
                        NativePtr.toNativeInt pc, ldc)

/// Dense float64 products on row-major arrays: C ← op(A)·op(B) (+ C when accumulate), op(X) = X or Xᵀ.
/// op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are the row strides of the stored arrays.
/// This is the one seam between the core and a product kernel (docs/performance.md).
///
/// Two backends: "managed" (Gemm.fs, the default: deterministic to the bit on every machine,
/// see Gemm) and "openblas" (OpenBLAS's cblas_dgemm when libopenblas.so.0 is on the system).
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
        if Backend.OpenBlasInForce then OpenBlas.gemm transA transB m n k a lda b ldb c ldc accumulate
        else Gemm.multiply transA transB m n k a lda b ldb c ldc accumulate

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
