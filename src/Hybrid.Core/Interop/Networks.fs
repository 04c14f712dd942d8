namespace Hybrid.Core.Interop

open System
open System.Collections.Generic
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// One layer of a core network as C# reads it: the kind, the weight matrices (one for dense, one
/// per piece for maxout, none for dropout), the biases (1×units each), the activation (dense only,
/// else null) and the drop rate (dropout only, else 0). Made by Networks.Dense/Maxout/Dropout
/// (validated) or read back by Networks.Layer. Course: S13, S25, S30.
[<Sealed; AllowNullLiteral>]
type LayerParts internal (layer: Layer) =
    member internal _.Core = layer
    /// The kind of layer: the name of the core's Layer case ("DenseLayer", "MaxoutLayer",
    /// "DropoutLayer"), which the façade maps to its LayerKind once (LayerKinds.FromCore).
    member _.Kind : string = CaseName.ofValue layer
    /// The weight matrices, inputs×units (one for dense, one per piece for maxout, none for dropout).
    member _.Weights : Matrix<float>[] =
        match layer with
        | DenseLayer d -> [| d.W |]
        | MaxoutLayer m -> Array.copy m.W
        | DropoutLayer _ -> [||]
    /// The bias rows, 1×units (aligned with Weights).
    member _.Biases : Matrix<float>[] =
        match layer with
        | DenseLayer d -> [| d.B |]
        | MaxoutLayer m -> Array.copy m.B
        | DropoutLayer _ -> [||]
    /// The activation of a dense layer; null for maxout and dropout.
    member _.Activation : Activation =
        match layer with
        | DenseLayer d -> d.Activation
        | _ -> Unchecked.defaultof<Activation>
    /// The drop probability of a dropout layer (0 otherwise).
    member _.DropoutRate : float = match layer with DropoutLayer r -> r | _ -> 0.0
    /// Trainable parameters of this layer.
    member _.ParameterCount : int =
        match layer with
        | DenseLayer d -> Dense.parameterCount d
        | MaxoutLayer m -> Maxout.parameterCount m
        | DropoutLayer _ -> 0

/// ∂J/∂θ of one trainable layer: weights (one per piece), biases as one row per piece (1×units),
/// and ∂J/∂α for a PReLU layer (null otherwise). Course: S16, S25.
[<Sealed>]
type LayerGradientParts internal (layerIndex: int, kind: string, weights: Matrix<float>[], biases: Matrix<float>[], alpha: Nullable<float>) =
    /// 0-based index of the layer in the network (dropout layers count).
    member _.LayerIndex = layerIndex
    /// The name of the layer's core Layer case: "DenseLayer" or "MaxoutLayer" (as LayerParts.Kind).
    member _.Kind : string = kind
    /// ∂J/∂W (∂J/∂W_j per maxout piece), inputs×units.
    member _.Weights = weights
    /// ∂J/∂b (per maxout piece), 1×units.
    member _.Biases = biases
    /// ∂J/∂α for PReLU, else null.
    member _.Alpha = alpha

/// The loss and gradient of a batch: J, the flat gradient list in the core's parameter order, and
/// the same values grouped per trainable layer.
[<Sealed>]
type GradientResult internal (loss: float, flat: Matrix<float>[], layers: LayerGradientParts[]) =
    /// J on the batch.
    member _.Loss = loss
    /// The gradients in Networks.Parameters order.
    member _.Flat = flat
    /// The gradients per trainable layer.
    member _.Layers = layers

/// The output of a forward pass and where it first left the finite numbers (-1s when it did not).
[<Sealed>]
type ForwardResult internal (output: Matrix<float>, layer: int, row: int, column: int) =
    /// A^L, n×outputs.
    member _.Output = output
    /// The first layer with a non-finite Z or A, or -1.
    member _.NonFiniteLayer = layer
    /// Its row, or -1.
    member _.NonFiniteRow = row
    /// Its column, or -1.
    member _.NonFiniteColumn = column

/// The core's Network for C#: build from validated layers, read layers, forward, loss, parameters
/// and gradients with arrays and plain classes. Course: S13-S16, S25, S30.
/// Checked by: InteropSurfaceTests, NetworkTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Networks =
    /// A dense layer A = g(X·W + 1·b) (Dense.create: shapes and g validated).
    static member Dense(weights: Matrix<float>, biases: Matrix<float>, activation: Activation) : LayerParts =
        LayerParts(DenseLayer(Dense.create weights biases activation))
    /// A maxout layer over the pieces (Maxout.create: at least 2, equal shapes).
    static member Maxout(weights: Matrix<float>[], biases: Matrix<float>[]) : LayerParts =
        LayerParts(MaxoutLayer(Maxout.create weights biases))
    /// An inverted-dropout layer with drop probability `rate` (validated by Create).
    static member Dropout(rate: float) : LayerParts = LayerParts(DropoutLayer rate)
    /// The network of these layers, in order (Network.create: widths must chain).
    static member Create(layers: IEnumerable<LayerParts>) : Network =
        if isNull layers then nullArg "layers"
        Network.create [ for l in layers -> l.Core ]
    /// The outputs for one row on the fast path (FastTraining.predictRow: allocates only the
    /// result), or null when a layer overflowed to NaN or ±∞; then overflowLayer and
    /// overflowColumn say where (else both are −1). The row's length and finiteness are the
    /// caller's to check.
    static member PredictRow(net: Network, example: float[], [<Runtime.InteropServices.Out>] overflowLayer: byref<int>, [<Runtime.InteropServices.Out>] overflowColumn: byref<int>) : float[] =
        match FastTraining.predictRow net example with
        | Ok values ->
            overflowLayer <- -1
            overflowColumn <- -1
            values
        | Error(layer, column) ->
            overflowLayer <- layer
            overflowColumn <- column
            null
    /// Dense.parameterCountOf: the trainable parameters of a dense layer of this shape and
    /// activation (d_in·d_out + d_out, plus PReLU's α), before the layer is made.
    static member DenseParameterCount(inputs: int, units: int, activation: Activation) : int64 = Dense.parameterCountOf inputs units activation
    /// The number of layers (dropout layers count).
    static member LayerCount(net: Network) : int = List.length net.Layers
    /// Layer `index` (0-based; walks the list: use Layers to visit them all).
    static member Layer(net: Network, index: int) : LayerParts = LayerParts(List.item index net.Layers)
    /// Every layer in order, in one pass (O(L), for loops over a deep network).
    static member Layers(net: Network) : LayerParts[] = net.Layers |> List.map LayerParts |> Array.ofList
    /// The last layer (O(L)).
    static member LastLayer(net: Network) : LayerParts = LayerParts(List.last net.Layers)
    /// Input width d_in.
    static member InputSize(net: Network) : int = Network.inputSize net
    /// Output width.
    static member OutputSize(net: Network) : int = Network.outputSize net
    /// Trainable parameters.
    static member ParameterCount(net: Network) : int = Network.parameterCount net
    /// The forward pass (dropout off) and the first non-finite place (Network.firstNonFinite).
    static member Forward(net: Network, X: Matrix<float>) : ForwardResult =
        let A, caches = Network.forwardCache None net X
        match Network.firstNonFinite caches with
        | Some(l, i, j) -> ForwardResult(A, l, i, j)
        | None -> ForwardResult(A, -1, -1, -1)
    /// J (dropout off, no L2).
    static member Loss(loss: Loss, net: Network, X: Matrix<float>, Y: Matrix<float>) : float = Network.loss loss net X Y
    /// The parameters in the core's order: per dense layer W, b (and α as 1×1 for PReLU); per maxout layer W_1..W_k, b_1..b_k.
    static member Parameters(net: Network) : Matrix<float>[] = Network.parameters net |> Array.ofList
    /// Their names, aligned with Parameters ("layer 0 W", "layer 0 b", "layer 1 alpha", "layer 2 W[1]").
    static member ParameterNames(net: Network) : string[] = Network.parameterNames net |> Array.ofList
    /// J + λ·Σ‖W‖² and its gradient (dropout off), flat and per layer.
    static member Gradients(l2: float, loss: Loss, net: Network, X: Matrix<float>, Y: Matrix<float>) : GradientResult =
        let J, grads = Network.lossAndGradientWith l2 None loss net X Y
        let flat = Array.ofList grads
        let mutable at = 0
        let take n =
            let part = flat.[at .. at + n - 1]
            at <- at + n
            part
        let layers =
            net.Layers
            |> List.mapi (fun l layer ->
                match layer with
                | DenseLayer d ->
                    let w = take 1
                    let b = take 1
                    let alpha = match d.Activation with PReLU _ -> Nullable(Mat.scalar (take 1).[0]) | _ -> Nullable()
                    Some(LayerGradientParts(l, CaseName.ofValue layer, w, b, alpha))
                | MaxoutLayer m ->
                    let w = take m.W.Length
                    let b = take m.B.Length
                    Some(LayerGradientParts(l, CaseName.ofValue layer, w, b, Nullable()))
                | DropoutLayer _ -> None)
            |> List.choose id
            |> Array.ofList
        GradientResult(J, flat, layers)
