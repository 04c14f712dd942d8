namespace Hybrid.Core

open MathNet.Numerics.LinearAlgebra

/// Layer normalisation (Ba, Kiros and Hinton, 2016): each example's d features are centred and
/// scaled to unit variance, then stretched and shifted by learned γ and β. It is the course's
/// preprocessing step (S30: x̂ = (x − μ)/σ) done inside the network, per example rather than per
/// feature, so that deep stacks keep their activations in range (S31, S33).
type LayerNorm =
    { /// The scale γ, 1×d (starts at 1).
      Gamma: Matrix<float>
      /// The shift β, 1×d (starts at 0).
      Beta: Matrix<float>
      /// ε inside the square root, > 0.
      Epsilon: float }

/// What LayerNorm.forward keeps for LayerNorm.backward.
type LayerNormCache =
    { /// The normalised input x̂, n×d.
      XHat: Matrix<float>
      /// 1/√(σ² + ε) of each row, n entries.
      InvStd: float[]
      /// Output A = γ ⊙ x̂ + β, n×d.
      A: Matrix<float> }
    interface ILayerCache with
        member c.FirstNonFinite() =
            Mat.firstNonFinite c.XHat |> Option.orElse (Mat.firstNonFinite c.A)

/// Layer normalisation: the row functions are the definitions; the matrix pair (the reference)
/// and the buffer version (the fast path) both run them, row by row.
module LayerNorm =

    /// ε when none is given (PyTorch's default).
    let defaultEpsilon = 1e-5

    // The row functions are inline over the element type: the reference and the float64 plan run
    // them at float, the float32 plan at float32 (the same text; `num` rounds a count once).

    /// One row of d features at offset o: μ = 1/d Σ_j x_j, σ² = 1/d Σ_j (x_j − μ)²,
    /// x̂_j = (x_j − μ)/√(σ² + ε), written to xhat at the same offset. Returns 1/√(σ² + ε).
    /// Course: S30 (standardising), per example.
    let inline normalizeRow (x: 'T[]) (xhat: 'T[]) (o: int) (d: int) (epsilon: 'T) : 'T =
        let count = num (float d)
        let mutable mean = zero
        for j in 0 .. d - 1 do mean <- mean + x.[o + j]
        mean <- mean / count
        let mutable variance = zero
        for j in 0 .. d - 1 do
            let c = x.[o + j] - mean
            variance <- variance + c * c
        variance <- variance / count
        let invStd = one / sqrt (variance + epsilon)
        for j in 0 .. d - 1 do xhat.[o + j] <- (x.[o + j] - mean) * invStd
        invStd

    /// One row of the output: a_j = γ_j·x̂_j + β_j. Course: S30.
    let inline scaleRow (xhat: 'T[]) (gamma: 'T[]) (beta: 'T[]) (a: 'T[]) (o: int) (d: int) : unit =
        for j in 0 .. d - 1 do a.[o + j] <- gamma.[j] * xhat.[o + j] + beta.[j]

    /// One row of the backward pass (the chain rule through x̂, S16): with g_j = dA_j·γ_j,
    /// dX_j = (1/√(σ² + ε))/d · (d·g_j − Σ_k g_k − x̂_j·Σ_k g_k·x̂_k), written to dx at offset o.
    let inline backwardRow (da: 'T[]) (xhat: 'T[]) (gamma: 'T[]) (invStd: 'T) (dx: 'T[]) (o: int) (d: int) : unit =
        let count = num (float d)
        let mutable sumG = zero
        let mutable sumGX = zero
        for j in 0 .. d - 1 do
            let g = da.[o + j] * gamma.[j]
            sumG <- sumG + g
            sumGX <- sumGX + g * xhat.[o + j]
        let k = invStd / count
        for j in 0 .. d - 1 do
            dx.[o + j] <- k * (count * (da.[o + j] * gamma.[j]) - sumG - xhat.[o + j] * sumGX)

    /// One row's share of the parameter gradients, added in: dγ_j += dA_j·x̂_j, dβ_j += dA_j. Course: S16, S30.
    let inline accumulateRow (da: 'T[]) (xhat: 'T[]) (dgamma: 'T[]) (dbeta: 'T[]) (o: int) (d: int) : unit =
        for j in 0 .. d - 1 do
            dgamma.[j] <- dgamma.[j] + da.[o + j] * xhat.[o + j]
            dbeta.[j] <- dbeta.[j] + da.[o + j]

    /// A layer from γ and β (both 1×d, finite) and ε (finite, > 0). Course: S30.
    let create (gamma: Matrix<float>) (beta: Matrix<float>) (epsilon: float) : LayerNorm =
        Shape.nonEmpty "gamma" gamma
        Shape.exactly "gamma" 1 gamma.ColumnCount gamma
        Shape.exactly "beta" 1 gamma.ColumnCount beta
        Shape.finite "gamma" gamma
        Shape.finite "beta" beta
        Shape.finiteScalar "epsilon" epsilon
        Shape.positive "epsilon" epsilon
        { Gamma = gamma; Beta = beta; Epsilon = epsilon }

    /// A layer over d features with γ = 1, β = 0 and the given ε.
    let identity (d: int) (epsilon: float) : LayerNorm =
        Shape.positiveInt "units" d
        create (Mat.constant 1 d 1.0) (Mat.zeros 1 d) epsilon

    /// A = γ ⊙ x̂ + β with x̂ each row of X normalised (normalizeRow, scaleRow), and the cache.
    /// Shapes: X n×d -> A n×d. Course: S30.
    let forward (layer: LayerNorm) (X: Matrix<float>) : Matrix<float> * LayerNormCache =
        Shape.columns "X" layer.Gamma.ColumnCount X
        let n, d = X.RowCount, X.ColumnCount
        let x = Mat.toRowMajor X
        let xhat = Array.zeroCreate (n * d)
        let a = Array.zeroCreate (n * d)
        let gamma, beta = Mat.toRowMajor layer.Gamma, Mat.toRowMajor layer.Beta
        let invStd = Array.init n (fun r -> normalizeRow x xhat (r * d) d layer.Epsilon)
        for r in 0 .. n - 1 do scaleRow xhat gamma beta a (r * d) d
        let A = Mat.ofRowMajor n d a
        A, { XHat = Mat.ofRowMajor n d xhat; InvStd = invStd; A = A }

    /// Backward from dA: (dγ 1×d, dβ 1×d, dX n×d), rows added in order (backwardRow, accumulateRow).
    /// Course: S16. Checked by: the network laws (gradients against central differences, fast path
    /// against reference), whose generator includes layer normalisation.
    let backward (layer: LayerNorm) (cache: LayerNormCache) (dA: Matrix<float>) : Matrix<float> * Matrix<float> * Matrix<float> =
        Shape.same "A" cache.A "dA" dA
        let n, d = dA.RowCount, dA.ColumnCount
        let da, xhat, gamma = Mat.toRowMajor dA, Mat.toRowMajor cache.XHat, Mat.toRowMajor layer.Gamma
        let dgamma, dbeta, dx = Array.zeroCreate d, Array.zeroCreate d, Array.zeroCreate (n * d)
        for r in 0 .. n - 1 do
            accumulateRow da xhat dgamma dbeta (r * d) d
            backwardRow da xhat gamma cache.InvStd.[r] dx (r * d) d
        Mat.ofRowMajor 1 d dgamma, Mat.ofRowMajor 1 d dbeta, Mat.ofRowMajor n d dx

/// The row functions of module LayerNorm at one element type, for the generic plan below (one
/// virtual call per row; the loops inside are the inline definitions at that type). Course: S30.
[<AbstractClass>]
type LayerNormRows<'T>() =
    /// LayerNorm.normalizeRow.
    abstract Normalize: x: 'T[] * xhat: 'T[] * o: int * d: int * epsilon: 'T -> 'T
    /// LayerNorm.scaleRow.
    abstract Scale: xhat: 'T[] * gamma: 'T[] * beta: 'T[] * a: 'T[] * o: int * d: int -> unit
    /// LayerNorm.backwardRow.
    abstract Backward: da: 'T[] * xhat: 'T[] * gamma: 'T[] * invStd: 'T * dx: 'T[] * o: int * d: int -> unit
    /// LayerNorm.accumulateRow.
    abstract Accumulate: da: 'T[] * xhat: 'T[] * dgamma: 'T[] * dbeta: 'T[] * o: int * d: int -> unit

[<Sealed>]
type private LayerNormRowsDouble() =
    inherit LayerNormRows<float>()
    override _.Normalize(x, xhat, o, d, epsilon) = LayerNorm.normalizeRow x xhat o d epsilon
    override _.Scale(xhat, gamma, beta, a, o, d) = LayerNorm.scaleRow xhat gamma beta a o d
    override _.Backward(da, xhat, gamma, invStd, dx, o, d) = LayerNorm.backwardRow da xhat gamma invStd dx o d
    override _.Accumulate(da, xhat, dgamma, dbeta, o, d) = LayerNorm.accumulateRow da xhat dgamma dbeta o d

[<Sealed>]
type private LayerNormRowsSingle() =
    inherit LayerNormRows<float32>()
    override _.Normalize(x, xhat, o, d, epsilon) = LayerNorm.normalizeRow x xhat o d epsilon
    override _.Scale(xhat, gamma, beta, a, o, d) = LayerNorm.scaleRow xhat gamma beta a o d
    override _.Backward(da, xhat, gamma, invStd, dx, o, d) = LayerNorm.backwardRow da xhat gamma invStd dx o d
    override _.Accumulate(da, xhat, dgamma, dbeta, o, d) = LayerNorm.accumulateRow da xhat dgamma dbeta o d

/// Layer normalisation's buffer version (the fast path) at element type 'T (float, or float32 as a
/// second instantiation): the same row functions over the batch's rows in place. Parameters: γ at
/// slot.First, β next. Course: S30.
[<Sealed>]
type LayerNormPlan<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> System.ValueType and 'T :> System.Numerics.IFloatingPointIeee754<'T>>
        internal (layer: LayerNorm, slot: PlanSlot, rows: LayerNormRows<'T>) =
    inherit LayerPlan<'T>()
    let d = layer.Gamma.ColumnCount
    let epsilon = 'T.CreateTruncating layer.Epsilon
    let gamma, beta = slot.First, slot.First + 1
    let xhat = Array.zeroCreate<'T> (slot.Capacity * d)
    let invStd = Array.zeroCreate<'T> slot.Capacity
    let a = Array.zeroCreate<'T> (slot.Capacity * d)
    let dx = if slot.NeedsInputGradient then Array.zeroCreate<'T> (slot.Capacity * d) else null
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    override _.Forward(x, n, parameters, _) =
        for r in 0 .. n - 1 do
            invStd.[r] <- rows.Normalize(x, xhat, r * d, d, epsilon)
            rows.Scale(xhat, parameters.[gamma], parameters.[beta], a, r * d, d)
        a
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    override _.Backward(_, up, n, parameters, grads, _) =
        System.Array.Clear(grads.[gamma], 0, d)
        System.Array.Clear(grads.[beta], 0, d)
        for r in 0 .. n - 1 do
            rows.Accumulate(up, xhat, grads.[gamma], grads.[beta], r * d, d)
            if not (isNull dx) then rows.Backward(up, xhat, parameters.[gamma], invStd.[r], dx, r * d, d)
        dx
    override _.FirstNonFinite() =
        let bad = RowMajor.firstNonFinite xhat d
        if bad >= 0 then bad else RowMajor.firstNonFinite a d

/// Layer normalisation under the layer contract.
[<Sealed>]
type private LayerNormLayerOf(layer: LayerNorm) =
    inherit Layer()
    member _.LayerNorm = layer
    override _.Kind = "layerNorm"
    override _.Widths = Some(layer.Gamma.ColumnCount, layer.Gamma.ColumnCount)
    override _.Parameters =
        [ { Name = "gamma"; Value = layer.Gamma; IsWeight = false }
          { Name = "beta"; Value = layer.Beta; IsWeight = false } ]
    override _.WithParameters ps =
        match ps with
        | [ gamma; beta ] -> LayerNormLayerOf { layer with Gamma = gamma; Beta = beta }
        | _ -> invalidOp "parameter list out of step with the layer."
    override _.Validate _ = ()
    override _.Stochastic = false
    override _.Forward(_, X) = let A, cache = LayerNorm.forward layer X in A, cache :> ILayerCache
    override _.Backward(cache, dA) =
        let dGamma, dBeta, dX = LayerNorm.backward layer (Layer.cacheOf<LayerNormCache> cache) dA
        [ dGamma; dBeta ], dX
    override _.Plan slot = LayerNormPlan<float>(layer, slot, LayerNormRowsDouble())
    override _.PlanSingle slot = LayerNormPlan<float32>(layer, slot, LayerNormRowsSingle())
    override _.Fields =
        [ "epsilon", LayerField.Number layer.Epsilon
          "gamma", LayerField.Row layer.Gamma
          "beta", LayerField.Row layer.Beta ]
    override _.Onnx =
        Some [ OnnxLayerStep.Node("LayerNormalization", "layernorm", "layernorm",
                                  [ OnnxLayerValue.Input; OnnxLayerValue.Parameter "gamma"; OnnxLayerValue.Parameter "beta" ],
                                  [ OnnxLayerAttribute.Int("axis", -1L); OnnxLayerAttribute.Float("epsilon", layer.Epsilon) ]) ]
    override _.Equals(other) = match other with :? LayerNormLayerOf as l -> l.LayerNorm = layer | _ -> false
    override _.GetHashCode() = hash layer
    override _.ToString() = sprintf "LayerNormLayer(%d, epsilon=%g)" layer.Gamma.ColumnCount layer.Epsilon

/// Layer normalisation as a network layer, and the pattern that recognises it.
[<AutoOpen>]
module LayerNormLayerCase =
    /// Layer normalisation as a layer of a network. Course: S30.
    let LayerNormLayer (layer: LayerNorm) : Layer = LayerNormLayerOf layer :> Layer

    /// Matches a layer-normalisation layer.
    let (|LayerNormLayer|_|) (layer: Layer) : LayerNorm option =
        match layer with
        | :? LayerNormLayerOf as l -> Some l.LayerNorm
        | _ -> None

    /// The layer-normalisation kind in the layer registry: "epsilon", "gamma" and "beta" (d values
    /// each, d the width of what comes before it). Course: S30.
    let layerNormKind : LayerKind =
        { Kind = "layerNorm"
          Keys = [ "epsilon"; "gamma"; "beta" ]
          Make = Some(fun settings width -> LayerNormLayer(LayerNorm.identity width (settings.TryNumber "epsilon" |> Option.defaultValue LayerNorm.defaultEpsilon)))
          FromOnnx =
            Some("LayerNormalization", fun node width ->
                // ONNX's LayerNormalization(X, Scale, B): normalised over the axes from `axis` on;
                // on a 2-D input [N, d] that is this layer exactly when axis is −1 or 1.
                match node.TryInt "axis" |> Option.defaultValue -1L with
                | -1L | 1L -> ()
                | axis -> node.Fail(sprintf "normalises from axis %d; on a 2-D input [N, d] only axis -1 (or 1) is one example's features." axis)
                let epsilon = node.TryFloat "epsilon" |> Option.defaultValue LayerNorm.defaultEpsilon
                let gamma =
                    match node.TryRow(1, width) with
                    | Some g -> g
                    | None -> node.Fail "has no Scale (γ) input."
                let beta = if node.InputCount > 2 then node.TryRow(2, width) else None
                LayerNormLayer(LayerNorm.create gamma (beta |> Option.defaultWith (fun () -> Mat.zeros 1 width)) epsilon))
          Read = fun fields width ->
            LayerNormLayer(LayerNorm.create (fields.Bias("gamma", width)) (fields.Bias("beta", width)) (fields.Number "epsilon")) }
