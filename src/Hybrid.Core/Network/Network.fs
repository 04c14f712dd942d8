namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// A feed-forward network: layers applied in order.
type Network = { Layers: Layer list }

/// What one training batch produced (Network.batch).
type BatchResult =
    { /// The data loss J(Ŷ, Y) on the batch (no penalty term).
      DataLoss: float
      /// The L2 penalty λ·Σ‖W‖² (0 without L2).
      Penalty: float
      /// The network's output Ŷ on the batch (with dropout if it was on).
      Output: Matrix<float>
      /// ∂(J + penalty)/∂θ for every parameter, aligned with Network.parameters.
      Gradients: Matrix<float> list }

/// A network of L layers (S14-S17): forward over the layers, backward over the caches
/// (BP1-BP4), and its parameters as one list of matrices — each layer's Layer.Parameters in order
/// (per dense layer W, b and PReLU's α as a 1×1 matrix; per maxout layer W_1..W_k, b_1..b_k) — so
/// optimisers treat every parameter alike. Gradients come as a list aligned with `parameters`,
/// each of the same shape. Every layer is run through the layer contract (Layer) alone.
module Network =

    /// A network from its layers; consecutive widths must agree (S14's shape table).
    let create (layers: Layer list) : Network =
        if List.isEmpty layers then Shape.fail "layers" "a network needs at least one layer."
        let widths =
            layers |> List.choose (fun layer ->
                if isNull (box layer) then nullArg "layers"
                layer.Validate "layers"
                layer.Widths)
        if List.isEmpty widths then Shape.fail "layers" "a network needs at least one dense or maxout layer."
        widths |> List.pairwise |> List.iteri (fun i ((_, outA), (inB, _)) ->
            if outA <> inB then Shape.fail "layers" (sprintf "layer widths do not chain: a layer outputs %d columns but the next trainable layer (#%d) takes %d." outA (i + 1) inB))
        { Layers = layers }

    /// Number of input columns d_in (S14).
    let inputSize (net: Network) : int =
        net.Layers |> List.pick (fun layer -> layer.Widths |> Option.map fst)

    /// Number of output columns (S14).
    let outputSize (net: Network) : int =
        net.Layers |> List.rev |> List.pick (fun layer -> layer.Widths |> Option.map snd)

    /// A network of dense layers: `inputs` columns, then one layer per (units, activation),
    /// weights from `init` (layer l seeded with Init.derive seed l), biases 0 (and PReLU's α
    /// as given in its case). Every size is checked before anything is drawn: each W at most
    /// Mat.maxEntries entries, the whole network at most Shape.maxParameters parameters.
    /// Course: S14, S31.
    let dense (seed: int) (init: Initializer) (inputs: int) (layers: (int * Activation) list) : Network =
        Shape.positiveInt "inputs" inputs
        layers |> List.fold (fun (fanIn, total) (units, g) ->
            Shape.positiveInt "units" units
            Shape.entries "units" fanIn units
            let total = total + int64 fanIn * int64 units + int64 units + (match g with PReLU _ -> 1L | _ -> 0L)
            Shape.parameterTotal "units" total
            units, total) (inputs, 0L) |> ignore
        let _, built =
            layers |> List.indexed |> List.fold (fun (fanIn, acc) (l, (units, g)) ->
                Shape.positiveInt "units" units
                let W = Init.matrix init (Init.derive seed l) fanIn units
                units, DenseLayer(Dense.create W (Mat.zeros 1 units) g) :: acc) (inputs, [])
        create (List.rev built)

    /// Number of trainable parameters Σ_l (d_in·d_out + d_out) (+1 per PReLU, k pieces per
    /// maxout). The 3-4-4-1 network has 16 + 20 + 5 = 41. Course: S14.
    let parameterCount (net: Network) : int =
        net.Layers |> List.sumBy Layer.parameterCount

    let private checkInput (net: Network) (X: Matrix<float>) : unit =
        Shape.nonEmpty "X" X
        Shape.columns "X" (inputSize net) X

    /// Forward pass with the caches; `dropoutSeed` = Some s turns dropout on (layer l's mask
    /// seeded with Init.derive s l), None is inference. Shapes: X n×d_in -> A n×d_out.
    /// Course: S15, S16 (forward pass with caches), S34 (dropout).
    let forwardCache (dropoutSeed: int option) (net: Network) (X: Matrix<float>) : Matrix<float> * ILayerCache list =
        checkInput net X
        let A, caches =
            net.Layers |> List.indexed |> List.fold (fun (A: Matrix<float>, caches) (l, layer: Layer) ->
                let A', cache = layer.Forward(dropoutSeed |> Option.map (fun s -> Init.derive s l), A)
                A', cache :: caches) (X, [])
        A, List.rev caches

    /// Where a forward pass first left the finite numbers: Some (layer, row, column) of the first
    /// layer whose pre-activation Z or output A holds NaN or ±∞ (for maxout, any piece's Z), else
    /// None. With finite inputs and weights this happens only by overflow (a product or sum beyond
    /// ±1.8e308); checking Z catches the NaN that a later ReLU would turn into 0.
    /// Course: S15. Checked by: OverflowTests (tests/Hybrid.Tests).
    let firstNonFinite (caches: ILayerCache list) : (int * int * int) option =
        caches |> List.indexed |> List.tryPick (fun (l, cache) ->
            cache.FirstNonFinite() |> Option.map (fun (i, j) -> l, i, j))

    /// Inference: A^L = g^L(... g^1(X·W^1 + 1·b^1) ...), dropout off. Shapes: X n×d_in -> n×d_out.
    /// Course: S15 (forward pass).
    let forward (net: Network) (X: Matrix<float>) : Matrix<float> = fst (forwardCache None net X)

    /// The parameters, in order: per dense layer W, b (and α as 1×1 for PReLU); per maxout
    /// layer W_1..W_k then b_1..b_k. Course: S17 (θ = all weights and biases).
    let parameters (net: Network) : Matrix<float> list =
        net.Layers |> List.collect (fun layer -> layer.Parameters |> List.map (fun p -> p.Value))

    /// Whether each parameter (aligned with `parameters`) is a weight matrix (true) or a bias or
    /// α (false): L2 applies to weights only (S23).
    let isWeight (net: Network) : bool list =
        net.Layers |> List.collect (fun layer -> layer.Parameters |> List.map (fun p -> p.IsWeight))

    /// A name per parameter ("layer 0 W", "layer 0 b", "layer 1 alpha", "layer 2 W[1]", ...), in
    /// the order of θ (S17).
    let parameterNames (net: Network) : string list =
        net.Layers |> List.indexed |> List.collect (fun (l, layer) ->
            layer.Parameters |> List.map (fun p -> sprintf "layer %d %s" l p.Name))

    /// The same network with new parameters (aligned with `parameters`, same shapes). Course: S17, S27.
    let withParameters (net: Network) (ps: Matrix<float> list) : Network =
        let names = parameterNames net
        let old = parameters net
        if List.length ps <> List.length old then
            Shape.fail "parameters" (sprintf "the network has %d parameter matrices but %d were given." old.Length ps.Length)
        List.zip3 names old ps |> List.iter (fun (name, o, p) -> Shape.same name o name p)
        // One pass over the layers, each taking its parameters from the front of ps: a map, not
        // a recursion over the list, so the depth of a network is not limited by the stack.
        let rest = ref ps
        let take () =
            match rest.Value with
            | p :: tail -> rest.Value <- tail; p
            | [] -> invalidOp "parameter list out of step with the layers."
        let rebuilt =
            net.Layers |> List.map (fun layer ->
                match layer.Parameters with
                | [] -> layer
                | mine -> layer.WithParameters(mine |> List.map (fun _ -> take ())))
        { Layers = rebuilt }

    /// Backward pass (BP1-BP4 of S16): from dA^L = ∂L/∂A^L, each layer in reverse turns its
    /// upstream gradient into its parameter gradients and the next upstream dA^(l−1) = dZ^l·W^lᵀ.
    /// `dZLast` = Some dZ starts the last dense layer from its pre-activation gradient (for the
    /// fused losses), bypassing its activation. Returns (gradients aligned with `parameters`, dX).
    /// Course: S15, S16, S17 (a weight reaching the output by several paths: their effects add
    /// in the matrix products).
    let backward (net: Network) (caches: ILayerCache list) (dA: Matrix<float>) (dZLast: Matrix<float> option) : Matrix<float> list * Matrix<float> =
        if List.length caches <> List.length net.Layers then Shape.fail "caches" "the caches do not belong to this network."
        let pairs = List.zip net.Layers caches |> List.rev
        // A fused loss hands the last (dense) layer its dZ: that layer's step is Dense.backwardZ.
        let start, rest =
            match dZLast, pairs with
            | Some dZ, (DenseLayer d, DenseCache c) :: rest ->
                let g = Dense.backwardZ d c dZ 0.0
                ([ yield g.dW; yield g.dB; match d.Activation with PReLU _ -> yield Mat.constant 1 1 g.dAlpha | _ -> () ], g.dX), rest
            | Some _, _ -> Shape.fail "dZLast" "a pre-activation gradient needs a dense last layer."
            | None, _ -> ([], dA), pairs
        let grads, dX =
            rest |> List.fold (fun (grads, dA) (layer: Layer, cache) ->
                let mine, dX = layer.Backward(cache, dA)
                mine @ grads, dX) start
        grads, dX

    /// Whether the last layer and the loss fuse into a stable from-logits form: sigmoid +
    /// binary cross-entropy, or softmax + categorical cross-entropy (with no dropout after it).
    /// Course: S21, S22.
    let fuses (loss: Loss) (net: Network) : bool =
        match List.last net.Layers, loss with
        | DenseLayer { Activation = Sigmoid }, BinaryCrossEntropy -> true
        | DenseLayer { Activation = Softmax }, CategoricalCrossEntropy -> true
        | _ -> false

    /// The data loss J(Ŷ, Y) and the output Ŷ = A^L of one forward pass (the caches' last output),
    /// the fused forms (sigmoid+BCE, softmax+CE) computed from the logits. Returns (J, gradient
    /// seed dA^L or dZ^L, Ŷ) with the seed None when `withGradient` is false.
    let private dataLoss (withGradient: bool) (loss: Loss) (net: Network) (A: Matrix<float>) (caches: ILayerCache list) (Y: Matrix<float>) =
        Shape.same "prediction" A "Y" Y
        if fuses loss net then
            let Z = match List.last caches with DenseCache c -> c.Z | _ -> invalidOp "unreachable"
            let J, dZ =
                match loss with
                | BinaryCrossEntropy -> Loss.sigmoidCrossEntropy Z Y
                | _ -> Loss.softmaxCrossEntropy Z Y
            J, (if withGradient then Some(dZ, true) else None)
        else
            Loss.value loss A Y, (if withGradient then Some(Loss.gradient loss A Y, false) else None)

    /// One training batch: J_data (the data loss, without the penalty), P = λ·Σ‖W‖² (weights only),
    /// the output Ŷ of the forward pass (with dropout when Some seed) and the gradient of
    /// J_data + P for every parameter (aligned with `parameters`). Course: S15-S18, S23, S28, S34.
    /// Checked by: NetworkProperties (through lossAndGradientWith), FastPathProperties.
    let batch (l2: float) (dropoutSeed: int option) (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : BatchResult =
        Shape.nonNegative "l2" l2
        let A, caches = forwardCache dropoutSeed net X
        let J, seed = dataLoss true loss net A caches Y
        let grads =
            match seed with
            | Some(dZ, true) -> fst (backward net caches dZ (Some dZ))
            | Some(dA, _) -> fst (backward net caches dA None)
            | None -> invalidOp "unreachable"
        if l2 = 0.0 then { DataLoss = J; Penalty = 0.0; Output = A; Gradients = grads }
        else
            let ps = parameters net
            let flags = isWeight net
            let penalty = List.zip ps flags |> List.sumBy (fun (p, w) -> if w then Regularization.l2 l2 p else 0.0)
            let grads' = List.map3 (fun (g: Matrix<float>) p w -> if w then g + Regularization.l2' l2 p else g) grads ps flags
            { DataLoss = J; Penalty = penalty; Output = A; Gradients = grads' }

    /// The loss J = data loss + λ·Σ‖W‖² (weights only) and its gradient for every parameter,
    /// on the batch (X, Y); dropout on with Some seed. Sigmoid+BCE and softmax+CE are computed
    /// from the logits (dZ = (ŷ − y)/N, S21, S22). Returns (J, gradients aligned with
    /// `parameters`). Course: S15-S18, S23, S28. Checked by: NetworkProperties.
    let lossAndGradientWith (l2: float) (dropoutSeed: int option) (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : float * Matrix<float> list =
        let r = batch l2 dropoutSeed loss net X Y
        r.DataLoss + r.Penalty, r.Gradients

    /// The loss and every parameter's gradient on (X, Y): no dropout, no regularisation.
    /// Course: S15-S18.
    let lossAndGradient (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : float * Matrix<float> list =
        lossAndGradientWith 0.0 None loss net X Y

    /// The loss and the output Ŷ on (X, Y) at inference (no dropout), from one forward pass.
    /// Course: S18-S23.
    let lossAndOutput (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : float * Matrix<float> =
        let A, caches = forwardCache None net X
        fst (dataLoss false loss net A caches Y), A

    /// The loss alone on (X, Y) at inference (no dropout), computed as lossAndGradient does.
    /// Course: S18-S23.
    let loss (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : float = fst (lossAndOutput loss net X Y)

    /// θ: every parameter stacked into one long vector, row-major within each matrix, in the
    /// order of `parameters`. Course: S17.
    let toVector (net: Network) : float[] =
        parameters net |> List.map Mat.toRowMajor |> Array.concat

    /// The network with parameters read back from a θ of length parameterCount. Course: S17.
    let ofVector (net: Network) (theta: float[]) : Network =
        let ps = parameters net
        let total = ps |> List.sumBy (fun p -> p.RowCount * p.ColumnCount)
        if isNull theta || theta.Length <> total then
            Shape.fail "theta" (sprintf "theta must have %d entries but has %d." total (if isNull theta then 0 else theta.Length))
        let _, rebuilt =
            ps |> List.fold (fun (offset, acc) p ->
                let r, c = p.RowCount, p.ColumnCount
                offset + r * c, Mat.init r c (fun i j -> theta.[offset + i * c + j]) :: acc) (0, [])
        withParameters net (List.rev rebuilt)
