namespace Hybrid.Core

open System
open System.Numerics

/// One entry of an element-wise function and of its backward, as a value the JIT can specialise:
/// a struct implementing this interface, passed as a type argument to ElementwiseKernel, makes a
/// loop with the function inlined in it (no call per entry). The math itself is written once, as
/// the scalar definitions these members call (Activation.sigmoid, Activation.relu', …); this is
/// only how a loop reaches them. `p` is the function's hyper-parameter (a leaky slope, PReLU's
/// current α, ELU's α), ignored by the functions without one. 'T is the element type (float today;
/// float32 is a second instantiation of the same scalar definitions).
type IElementwise<'T> =
    /// a = g(z).
    abstract Value: z: 'T * p: 'T -> 'T
    /// dz = da · g′(z), given the forward's output a = g(z) (where the course writes g′ from the
    /// output: σ′ = a(1 − a), tanh′ = 1 − a²).
    abstract Backward: z: 'T * a: 'T * da: 'T * p: 'T -> 'T

/// The lane-wise form of an element-wise function, for the functions that have one (a select for
/// ReLU and its leaky kin). It sits next to the scalar form it must equal entry for entry, and a law
/// checks the two agree bit for bit (ActivationProperties "the vectorised form equals the scalar
/// form entry for entry").
type IElementwiseLanes<'T when 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType> =
    inherit IElementwise<'T>
    /// g on Vector&lt;'T&gt;.Count entries at once.
    abstract Values: z: Vector<'T> * p: Vector<'T> -> Vector<'T>
    /// da · g′(z) on Vector&lt;'T&gt;.Count entries at once.
    abstract Backwards: z: Vector<'T> * da: Vector<'T> * p: Vector<'T> -> Vector<'T>

/// How the fast path applies an activation to a buffer of element type 'T (float, float32): the
/// forward a = g(z) and the backward dz = da ⊙ g′(z) over `rows`×`cols` entries of row-major
/// buffers (cols matters to the row-wise functions, softmax and log-softmax). One virtual call per
/// layer and batch; the loop inside is specialised to the function. Nothing here allocates.
[<AbstractClass>]
type ActivationKernel<'T>() =
    /// a ← g(z) on the first rows×cols entries; p the hyper-parameter.
    abstract Forward: p: 'T * z: 'T[] * a: 'T[] * rows: int * cols: int -> unit
    /// dz ← the backward of g at (z, a = g(z)) applied to da, on the first rows×cols entries.
    abstract Backward: p: 'T * z: 'T[] * a: 'T[] * da: 'T[] * dz: 'T[] * rows: int * cols: int -> unit

/// The loop of an element-wise function: entry by entry, the scalar definitions of 'Op at 'T.
type ElementwiseKernel<'Op, 'T when 'Op: struct and 'Op :> IElementwise<'T>>() =
    inherit ActivationKernel<'T>()
    override _.Forward(p, z, a, rows, cols) =
        let op = Unchecked.defaultof<'Op>
        for i in 0 .. rows * cols - 1 do
            a.[i] <- op.Value(z.[i], p)
    override _.Backward(p, z, a, da, dz, rows, cols) =
        let op = Unchecked.defaultof<'Op>
        for i in 0 .. rows * cols - 1 do
            dz.[i] <- op.Backward(z.[i], a.[i], da.[i], p)

/// The loop of an element-wise function with a lane-wise form: Vector&lt;'T&gt;.Count entries at a
/// time through the lane-wise members, the tail through the scalar ones (which they equal).
type LanesKernel<'Op, 'T when 'Op: struct and 'Op :> IElementwiseLanes<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>() =
    inherit ActivationKernel<'T>()
    override _.Forward(p, z, a, rows, cols) =
        let op = Unchecked.defaultof<'Op>
        let n = rows * cols
        let w = Vector<'T>.Count
        let vp = Vector<'T>(p)
        let mutable i = 0
        while i + w <= n do
            op.Values(Vector<'T>(z, i), vp).CopyTo(a, i)
            i <- i + w
        while i < n do
            a.[i] <- op.Value(z.[i], p)
            i <- i + 1
    override _.Backward(p, z, a, da, dz, rows, cols) =
        let op = Unchecked.defaultof<'Op>
        let n = rows * cols
        let w = Vector<'T>.Count
        let vp = Vector<'T>(p)
        let mutable i = 0
        while i + w <= n do
            op.Backwards(Vector<'T>(z, i), Vector<'T>(da, i), vp).CopyTo(dz, i)
            i <- i + w
        while i < n do
            dz.[i] <- op.Backward(z.[i], a.[i], da.[i], p)
            i <- i + 1

/// A row-wise function (softmax, log-softmax) as the fast path and the reference path both run
/// it: each row of `cols` entries at offset o, written once as a function of one row.
type IRowwise<'T> =
    /// a[o .. o+cols−1] ← g(z[o .. o+cols−1]).
    abstract RowForward: z: 'T[] * a: 'T[] * o: int * cols: int -> unit
    /// dz[o ..] ← Jᵀ·da[o ..] for the row, with a = g(z) from the forward.
    abstract RowBackward: z: 'T[] * a: 'T[] * da: 'T[] * dz: 'T[] * o: int * cols: int -> unit

/// The loop of a row-wise function: row by row.
type RowwiseKernel<'Op, 'T when 'Op: struct and 'Op :> IRowwise<'T>>() =
    inherit ActivationKernel<'T>()
    override _.Forward(_, z, a, rows, cols) =
        let op = Unchecked.defaultof<'Op>
        for r in 0 .. rows - 1 do
            op.RowForward(z, a, r * cols, cols)
    override _.Backward(_, z, a, da, dz, rows, cols) =
        let op = Unchecked.defaultof<'Op>
        for r in 0 .. rows - 1 do
            op.RowBackward(z, a, da, dz, r * cols, cols)

/// An activation's loops at both element types: the same struct 'Op (its members at float and at
/// float32 call the same inline scalar definitions) in the loop of each type.
type ActivationKernels =
    { /// The loop at float (float64).
      Double: ActivationKernel<float>
      /// The loop at float32.
      Single: ActivationKernel<float32> }
    /// The loop at element type 'T (float or float32; anything else is an ArgumentException).
    member k.At<'T>() : ActivationKernel<'T> =
        match box k.Double, box k.Single with
        | (:? ActivationKernel<'T> as d), _ -> d
        | _, (:? ActivationKernel<'T> as s) -> s
        | _ -> invalidArg "T" (sprintf "activations run at float and float32, not %s." typeof<'T>.Name)

/// Makes an activation's ActivationKernels from its struct. The float loop is checked by the
/// compiler; F# cannot state "implements IElementwise at float and at float32" on one type
/// parameter, so the float32 loop is made by its type at run time: a struct that lacks its float32
/// members fails when the registry is first read (every test reads it), naming the struct.
module ActivationKernels =

    /// The float32 loop of the same definition as `loop` (a float loop), for the struct op.
    let private single (loop: Type) (op: Type) : ActivationKernel<float32> =
        try Activator.CreateInstance(loop.GetGenericTypeDefinition().MakeGenericType(op, typeof<float32>)) :?> ActivationKernel<float32>
        with :? ArgumentException as e ->
            invalidOp (sprintf "%s must implement its interface at float32 as well as at float: %s" op.Name e.Message)

    /// The loops of an element-wise function: a = g(z), dz = da·g′ entry by entry (S04).
    let elementwise<'Op when 'Op: struct and 'Op :> IElementwise<float>> () : ActivationKernels =
        { Double = ElementwiseKernel<'Op, float>(); Single = single typeof<ElementwiseKernel<'Op, float>> typeof<'Op> }

    /// The loops of an element-wise function with a lane-wise form (S04: the ReLU family's select).
    let lanes<'Op when 'Op: struct and 'Op :> IElementwiseLanes<float>> () : ActivationKernels =
        { Double = LanesKernel<'Op, float>(); Single = single typeof<LanesKernel<'Op, float>> typeof<'Op> }

    /// The loops of a row-wise function (S04, S22: softmax and log-softmax, their Jᵀ·da per row).
    let rowwise<'Op when 'Op: struct and 'Op :> IRowwise<float>> () : ActivationKernels =
        { Double = RowwiseKernel<'Op, float>(); Single = single typeof<RowwiseKernel<'Op, float>> typeof<'Op> }
