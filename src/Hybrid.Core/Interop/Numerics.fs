namespace Hybrid.Core.Interop

open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// The core's matrix helpers and argument checks (Mat, Shape) for C#. Each member only calls the
/// core function it names; the checks raise the core's ArgumentException, naming the same parameter.
/// Checked by: TrainerTests, DataSetTests, OnnxImportTests, NetworkTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Matrices =
    /// Mat.isFinite: whether every entry of m is finite.
    static member IsFinite(m: Matrix<float>) : bool = Mat.isFinite m
    /// Mat.row: a 1×n matrix holding values.
    static member Row(values: float[]) : Matrix<float> = Mat.row values
    /// Mat.zeros: a rows×cols matrix of zeros.
    static member Zeros(rows: int, cols: int) : Matrix<float> = Mat.zeros rows cols
    /// Mat.selectRows: the rows with the given indices, in that order, as a new matrix.
    static member SelectRows(indices: int[], m: Matrix<float>) : Matrix<float> = Mat.selectRows indices m
    /// Shape.finite: every entry of m must be finite; the message names `name` and the first bad entry.
    static member CheckFinite(name: string, m: Matrix<float>) : unit = Shape.finite name m
    /// Shape.entries: rows×cols must fit one matrix (at most Mat.maxEntries).
    static member CheckEntries(name: string, rows: int, cols: int) : unit = Shape.entries name rows cols
    /// Shape.parameterTotal: a network's parameter count must be at most Int32.MaxValue.
    static member CheckParameterTotal(name: string, total: int64) : unit = Shape.parameterTotal name total

/// The core's matrix-product backend (Backend) for C#: which kernel is in force and its threads.
/// Checked by: BackendTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Backends =
    /// Backend.Name: "managed" or "openblas", the backend in force.
    static member Name : string = Backend.Name
    /// Backend.OpenBlasAvailable: whether libopenblas.so.0 loads on this system.
    static member OpenBlasAvailable : bool = Backend.OpenBlasAvailable
    /// Backend.Use: forces "managed" or "openblas" for the rest of the process.
    static member Use(name: string) : unit = Backend.Use name
    /// Backend.Threads: how many threads the managed kernel may use.
    static member Threads
        with get () : int = Backend.Threads
        and set (value: int) = Backend.Threads <- value
