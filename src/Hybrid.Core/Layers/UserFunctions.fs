namespace Hybrid.Core.Interop

open System

/// A user's own element-wise activation at float64, as Hybrid calls it (course item S04, extended
/// by the user; docs/extending.md): g(z), and g′(z) given both z and the output a = g(z) (use
/// whichever is simpler: σ′ = a(1 − a) needs only a). Implemented by a struct, the JIT specialises the
/// loops to it and inlines both members; Hybrid calls the members of default(T), so the struct keeps
/// no state (constants belong in `const` or `static readonly` fields).
type IScalarActivation =
    /// a = g(z).
    abstract Value: z: float -> float
    /// g′(z), with a = g(z) already computed.
    abstract Derivative: z: float * a: float -> float

/// A user's own loss over a batch (course items S18-S23, extended by the user; docs/extending.md):
/// J(Ŷ, Y) and ∂J/∂Ŷ on `rows`×`columns` row-major predictions Ŷ and targets Y (one example per
/// row). The gradient is the derivative of exactly the value returned, so a mean over the N rows
/// carries its 1/N in both. Implemented by a struct, as IScalarActivation.
type IBatchLoss =
    /// J(Ŷ, Y).
    abstract Value: predictions: ReadOnlySpan<float> * targets: ReadOnlySpan<float> * rows: int * columns: int -> float
    /// gradient ← ∂J/∂Ŷ (every entry written).
    abstract Gradient: predictions: ReadOnlySpan<float> * targets: ReadOnlySpan<float> * gradient: Span<float> * rows: int * columns: int -> unit

namespace Hybrid.Core

open System
open Hybrid.Core.Interop

/// A user's activation struct 'F as the float64 loops see it (S04): its own members.
[<Struct>]
type UserActivationOp<'F when 'F: struct and 'F :> IScalarActivation> =
    interface IElementwise<float> with
        member _.Value(z, _) = Unchecked.defaultof<'F>.Value z
        member _.Backward(z, a, da, _) = da * Unchecked.defaultof<'F>.Derivative(z, a)

/// The same struct as the float32 loops see it (S04): its float64 members on the widened entries,
/// rounded once (the user writes one definition). A struct of its own, because F# cannot pick one of
/// two interface instantiations of a generic struct.
[<Struct>]
type UserActivationOpSingle<'F when 'F: struct and 'F :> IScalarActivation> =
    interface IElementwise<float32> with
        member _.Value(z, _) = float32 (Unchecked.defaultof<'F>.Value(float z))
        member _.Backward(z, a, da, _) = da * float32 (Unchecked.defaultof<'F>.Derivative(float z, float a))

/// The loops of a user's activation given as two functions (S04): one delegate call per entry and
/// member, which the JIT cannot inline (docs/extending.md states the cost).
[<Sealed>]
type private DelegateActivationKernel<'T>(value: Func<float, float>, derivative: Func<float, float, float>, toFloat: 'T -> float, ofFloat: float -> 'T) =
    inherit ActivationKernel<'T>()
    override _.Forward(_, z, a, rows, cols) =
        for i in 0 .. rows * cols - 1 do
            a.[i] <- ofFloat (value.Invoke(toFloat z.[i]))
    override _.Backward(_, z, a, da, dz, rows, cols) =
        for i in 0 .. rows * cols - 1 do
            dz.[i] <- ofFloat (toFloat da.[i] * derivative.Invoke(toFloat z.[i], toFloat a.[i]))

/// A user's loss struct 'F as the fast path runs it (S18-S23): one call of each member per batch,
/// on spans of the batch's rows×cols entries.
[<Sealed>]
type UserLossKernel<'F when 'F: struct and 'F :> IBatchLoss>() =
    inherit LossKernel()
    override _.ValueAndGradient(_, yhat, y, grad, rows, cols) =
        let n = rows * cols
        let op = Unchecked.defaultof<'F>
        op.Gradient(ReadOnlySpan(yhat, 0, n), ReadOnlySpan(y, 0, n), Span(grad, 0, n), rows, cols)
        op.Value(ReadOnlySpan(yhat, 0, n), ReadOnlySpan(y, 0, n), rows, cols)

/// A user's loss given as two functions over arrays (S18-S23): the arrays hold exactly the batch.
[<Sealed>]
type private DelegateLossKernel(value: Func<float[], float[], int, int, float>, gradient: Func<float[], float[], int, int, float[]>) =
    inherit LossKernel()
    override _.ValueAndGradient(_, yhat, y, grad, rows, cols) =
        let n = rows * cols
        let p = Array.sub yhat 0 n
        let t = Array.sub y 0 n
        let g = gradient.Invoke(p, t, rows, cols)
        if isNull g || g.Length <> n then
            invalidOp (sprintf "a loss's gradient function must return an array of rows×columns = %d entries, but returned %s." n (if isNull g then "null" else string g.Length))
        Array.blit g 0 grad 0 n
        value.Invoke(p, t, rows, cols)

/// Makes the loops of users' activations and losses (docs/extending.md). Course: S04, S18-S23.
module UserFunctions =

    /// The loops of a user's activation struct at float and float32: the JIT specialises both to 'F. Course: S04.
    let activationKernels<'F when 'F: struct and 'F :> IScalarActivation> () : ActivationKernels =
        { Double = ElementwiseKernel<UserActivationOp<'F>, float>(); Single = ElementwiseKernel<UserActivationOpSingle<'F>, float32>() }

    /// The loops of a user's activation given as g and g′(z, a): a delegate call per entry. Course: S04.
    let activationKernelsOf (value: Func<float, float>) (derivative: Func<float, float, float>) : ActivationKernels =
        if isNull value then nullArg "value"
        if isNull derivative then nullArg "derivative"
        { Double = DelegateActivationKernel<float>(value, derivative, (fun (x: float) -> x), (fun (x: float) -> x))
          Single = DelegateActivationKernel<float32>(value, derivative, (fun (x: float32) -> float x), (fun (x: float) -> float32 x)) }

    /// The fast path's loop of a user's loss struct. Course: S18-S23.
    let lossKernel<'F when 'F: struct and 'F :> IBatchLoss> () : LossKernel = UserLossKernel<'F>()

    /// The fast path's loop of a user's loss given as J(Ŷ, Y) and ∂J/∂Ŷ over arrays (one copy of the
    /// batch per call). Course: S18-S23.
    let lossKernelOf (value: Func<float[], float[], int, int, float>) (gradient: Func<float[], float[], int, int, float[]>) : LossKernel =
        if isNull value then nullArg "value"
        if isNull gradient then nullArg "gradient"
        DelegateLossKernel(value, gradient)
