namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Inverted dropout (S34's Dropout): in training each activation is kept with probability
/// 1 − rate and scaled by 1/(1 − rate), so the expected activation is unchanged and inference
/// needs no rescaling; at inference the layer is the identity.
module Dropout =

    /// One entry of the mask from its uniform draw u ∈ [0, 1): 1/(1 − rate) if u ≥ rate, else 0,
    /// so P(kept) = 1 − rate and E[entry] = 1. Course: S34.
    let inline maskEntry (rate: float) (u: float) : float = if u >= rate then 1.0 / (1.0 - rate) else 0.0

    /// The rate must lie in [0, 1). Course: S34.
    let validate (paramName: string) (rate: float) : unit =
        if not (rate >= 0.0 && rate < 1.0) then Shape.fail paramName (sprintf "dropout rate must lie in [0, 1) but is %g." rate)

    /// The mask M: M_ij = 1/(1 − rate) if u_ij ≥ rate, else 0, where u_ij ∈ [0, 1) are the first
    /// rows·cols draws of Rng(seed).NextDouble() in row-major order, so P(M_ij ≠ 0) = 1 − rate and
    /// E[M_ij] = 1 (same seed, same mask; the fast path draws the same u_ij in the same order).
    /// Shapes: rows×cols. Course: S34.
    let mask (seed: int) (rate: float) (rows: int) (cols: int) : Matrix<float> =
        validate "rate" rate
        let rng = Rng(seed)
        let values = Array.init (rows * cols) (fun _ -> maskEntry rate (rng.NextDouble()))
        Mat.init rows cols (fun i j -> values.[i * cols + j])

    /// Training forward: A = X ⊙ M. Shapes: X n×d, M n×d -> n×d. Course: S34.
    let forward (M: Matrix<float>) (X: Matrix<float>) : Matrix<float> =
        Shape.same "mask" M "X" X
        Mat.hadamard X M

    /// Backward: dX = dA ⊙ M (the mask routes the gradient like a multiply gate, S10). Course: S34.
    /// Checked by: NetworkProperties "S34 / dropout / with a fixed mask seed it backpropagates exactly (gradients match central differences)".
    let backward (M: Matrix<float>) (dA: Matrix<float>) : Matrix<float> =
        Shape.same "mask" M "dA" dA
        Mat.hadamard dA M

/// What a dropout layer's forward keeps: the mask it used, or None at inference (identity).
type DropoutCache =
    { /// The mask M (n×d), or None when the pass was the identity.
      Mask: Matrix<float> option }
    interface ILayerCache with
        member _.FirstNonFinite() = None

/// The dropout layer's buffer version (the fast path) at element type 'T (float, or float32 as a
/// second instantiation): the mask drawn in place with the same draws in the same order as
/// Dropout.mask (each entry rounded to 'T), A = X ⊙ M and dX = dA ⊙ M; the identity (its input
/// buffer returned as is) at inference or with rate 0. Course: S34.
[<Sealed>]
type DropoutPlan<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> Numerics.IFloatingPointIeee754<'T>>
        internal (rate: float, slot: PlanSlot) =
    inherit LayerPlan<'T>()
    let width = slot.Inputs
    let mask = Array.zeroCreate<'T> (slot.Capacity * width)
    let a = Array.zeroCreate<'T> (slot.Capacity * width)
    let dx = Array.zeroCreate<'T> (slot.Capacity * width)
    let rng = Rng(0)
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    override _.Forward(x, rows, _, seed) =
        if seed < 0 || rate = 0.0 then x
        else
            rng.Reseed seed
            let count = rows * width
            for e in 0 .. count - 1 do
                mask.[e] <- 'T.CreateTruncating(Dropout.maskEntry rate (rng.NextDouble()))
            Numerics.Tensors.TensorPrimitives.Multiply(ReadOnlySpan<'T>(x, 0, count), ReadOnlySpan<'T>(mask, 0, count), Span<'T>(a, 0, count))
            a
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    override _.Backward(_, up, rows, _, _, training) =
        if not training || rate = 0.0 then up
        else
            let count = rows * width
            Numerics.Tensors.TensorPrimitives.Multiply(ReadOnlySpan<'T>(up, 0, count), ReadOnlySpan<'T>(mask, 0, count), Span<'T>(dx, 0, count))
            dx
    override _.FirstNonFinite() = -1

/// A dropout layer under the layer contract: no parameters, the width it is given.
[<Sealed>]
type private DropoutLayerOf(rate: float) =
    inherit Layer()
    member _.Rate = rate
    override _.Kind = "dropout"
    override _.Widths = None
    override _.Parameters = []
    override this.WithParameters ps = if List.isEmpty ps then this :> Layer else invalidOp "parameter list out of step with the layer."
    override _.Validate paramName = Dropout.validate paramName rate
    override _.Stochastic = rate > 0.0
    override _.Forward(seed, X) =
        match seed with
        | Some s when rate > 0.0 ->
            let M = Dropout.mask s rate X.RowCount X.ColumnCount
            Dropout.forward M X, { Mask = Some M } :> ILayerCache
        | _ -> X, { Mask = None } :> ILayerCache
    override _.Backward(cache, dA) =
        match (Layer.cacheOf<DropoutCache> cache).Mask with
        | Some mask -> [], Dropout.backward mask dA
        | None -> [], dA
    override _.Plan slot = DropoutPlan<float>(rate, slot)
    override _.PlanSingle slot = DropoutPlan<float32>(rate, slot)
    override _.Fields = [ "rate", LayerField.Number rate ]
    override _.Onnx = Some [ OnnxLayerStep.Node("Dropout", "dropout", "dropout", [ OnnxLayerValue.Input; OnnxLayerValue.Scalar("ratio", rate) ], []) ]
    override _.Equals(other) = match other with :? DropoutLayerOf as d -> d.Rate = rate | _ -> false
    override _.GetHashCode() = hash rate
    override _.ToString() = sprintf "DropoutLayer %g" rate

/// The dropout layer as a network layer, and the pattern that recognises it.
[<AutoOpen>]
module DropoutLayerCase =
    /// Inverted dropout with drop probability `rate` as a layer of a network (the rate is checked
    /// when the network is created). Course: S34.
    let DropoutLayer (rate: float) : Layer = DropoutLayerOf rate :> Layer

    /// Matches a dropout layer, giving its rate.
    let (|DropoutLayer|_|) (layer: Layer) : float option =
        match layer with
        | :? DropoutLayerOf as d -> Some d.Rate
        | _ -> None

    /// The dropout kind in the layer registry: "rate" in [0, 1). Course: S34.
    let dropoutKind : LayerKind =
        { Kind = "dropout"
          Keys = [ "rate" ]
          Make = Some(fun fields _ -> let rate = fields.Number "rate" in Dropout.validate "rate" rate; DropoutLayer rate)
          FromOnnx = None
          Read = fun fields _ ->
            let rate = fields.Number "rate"
            if not (rate >= 0.0 && rate < 1.0) then fields.Fail(sprintf "has dropout rate %s; it must lie in [0, 1)." (string rate))
            DropoutLayer rate }

    /// Matches a dropout layer's cache, giving its mask (None at inference).
    let (|DropoutCache|_|) (cache: ILayerCache) : Matrix<float> option option =
        match cache with
        | :? DropoutCache as c -> Some c.Mask
        | _ -> None
