namespace Hybrid.Core.Interop

open System
open System.Collections.Generic
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// What writes a layer's model-file fields: one member per JSON shape of the core's LayerField,
/// called by LayerFieldView.WriteTo through an exhaustive match (a new shape is a compile error).
type ILayerFieldWriter =
    /// A string field.
    abstract Text: name: string * value: string -> unit
    /// A number field.
    abstract Number: name: string * value: float -> unit
    /// A weight matrix, written as its rows.
    abstract Matrix: name: string * value: Matrix<float> -> unit
    /// A row (1×d), written flat.
    abstract Flat: name: string * value: Matrix<float> -> unit
    /// An array of objects: begin it, then BeginRecord/fields/EndRecord per object, then EndRecords.
    abstract BeginRecords: name: string -> unit
    /// Opens one object of the array.
    abstract BeginRecord: unit -> unit
    /// Closes one object of the array.
    abstract EndRecord: unit -> unit
    /// Closes the array.
    abstract EndRecords: unit -> unit

/// One named field of a layer's model-file entry, as the writer writes it and the reader hands it
/// back (the core's LayerField; the layer's file defines which fields it has).
[<Sealed; AllowNullLiteral>]
type LayerFieldView internal (name: string, field: LayerField) =
    member internal _.Field = field
    /// The key.
    member _.Name = name
    /// Writes the field through `writer`, in its JSON shape.
    member this.WriteTo(writer: ILayerFieldWriter) : unit =
        let rec write (name: string) (field: LayerField) =
            match field with
            | LayerField.Text t -> writer.Text(name, t)
            | LayerField.Number v -> writer.Number(name, v)
            | LayerField.Matrix m -> writer.Matrix(name, m)
            | LayerField.Row r -> writer.Flat(name, r)
            | LayerField.Records rs ->
                writer.BeginRecords name
                for record in rs do
                    writer.BeginRecord()
                    for k, v in record do write k v
                    writer.EndRecord()
                writer.EndRecords()
        write name field
    /// A string field.
    static member OfText(name: string, text: string) = LayerFieldView(name, LayerField.Text text)
    /// A number field.
    static member OfNumber(name: string, value: float) = LayerFieldView(name, LayerField.Number value)
    /// A weight-matrix field.
    static member OfMatrix(name: string, value: Matrix<float>) = LayerFieldView(name, LayerField.Matrix value)
    /// A row field (1×n).
    static member OfRow(name: string, values: float[]) = LayerFieldView(name, LayerField.Row (Mat.row values))
    /// A field holding records.
    static member OfRecords(name: string, records: LayerFieldView[][]) =
        LayerFieldView(name, LayerField.Records [ for r in records -> [ for f in r -> f.Name, f.Field ] ])

/// A value of a layer's ONNX graph (the core's OnnxLayerValue).
[<Sealed>]
type OnnxLayerValueView internal (value: OnnxLayerValue) =
    /// The tensor name the value has in the graph, by an exhaustive match on the core's case: the
    /// layer's input, a parameter's initializer, a scalar's initializer, or an earlier step's output.
    member _.Resolve(input: string, parameter: Func<string, string>, scalar: Func<string, float, string>, step: Func<int, string>) : string =
        match value with
        | OnnxLayerValue.Input -> input
        | OnnxLayerValue.Parameter name -> parameter.Invoke name
        | OnnxLayerValue.Scalar(name, v) -> scalar.Invoke(name, v)
        | OnnxLayerValue.Step k -> step.Invoke k

/// An attribute of a layer's ONNX node (the core's OnnxLayerAttribute): Kind "Int" or "Float".
[<Sealed>]
type OnnxLayerAttributeView internal (attribute: OnnxLayerAttribute) =
    /// "Int" or "Float".
    member _.Kind : string = CaseName.ofValue attribute
    /// The attribute's name.
    member _.Name : string = match attribute with OnnxLayerAttribute.Int(n, _) | OnnxLayerAttribute.Float(n, _) -> n
    /// The INT value, else 0.
    member _.IntValue : int64 = match attribute with OnnxLayerAttribute.Int(_, v) -> v | _ -> 0L
    /// The FLOAT value, else 0.
    member _.FloatValue : float = match attribute with OnnxLayerAttribute.Float(_, v) -> v | _ -> 0.0

/// One step of a layer's ONNX graph (the core's OnnxLayerStep): Kind "Node" or "Activation".
[<Sealed>]
type OnnxLayerStepView internal (step: OnnxLayerStep) =
    /// "Node" or "Activation".
    member _.Kind : string = CaseName.ofValue step
    /// The node's op type, else null.
    member _.Op : string = match step with OnnxLayerStep.Node(op, _, _, _, _) -> op | _ -> null
    /// The node's name inside the layer, else null.
    member _.Name : string = match step with OnnxLayerStep.Node(_, n, _, _, _) -> n | _ -> null
    /// The node's output name inside the layer, else null.
    member _.Output : string = match step with OnnxLayerStep.Node(_, _, o, _, _) -> o | _ -> null
    /// The node's inputs, or the activation's one input.
    member _.Inputs : OnnxLayerValueView[] =
        match step with
        | OnnxLayerStep.Node(_, _, _, inputs, _) -> inputs |> List.map OnnxLayerValueView |> Array.ofList
        | OnnxLayerStep.Activation(_, input) -> [| OnnxLayerValueView input |]
    /// The node's attributes (none for an activation step).
    member _.Attributes : OnnxLayerAttributeView[] =
        match step with
        | OnnxLayerStep.Node(_, _, _, _, attributes) -> attributes |> List.map OnnxLayerAttributeView |> Array.ofList
        | OnnxLayerStep.Activation _ -> [||]
    /// The activation of an activation step, else null.
    member _.Activation : Activation = match step with OnnxLayerStep.Activation(g, _) -> g | _ -> Unchecked.defaultof<Activation>

/// The fields the model file's reader found for one layer (or piece), looked up in place.
[<Sealed>]
type internal ViewFields(layer: int, piece: int, item: string, views: Collections.Generic.IReadOnlyList<LayerFieldView>, quote: Func<string, string>) =
    inherit LayerFields()
    override _.Where = if layer < 0 then "the layer's settings" elif piece < 0 then sprintf "layer %d" layer else sprintf "layer %d %s %d" layer item piece
    override _.TryFind name =
        let mutable found = None
        for i in 0 .. views.Count - 1 do
            if found.IsNone && String.Equals(views.[i].Name, name, StringComparison.Ordinal) then found <- Some views.[i].Field
        found
    override _.Quote text = quote.Invoke text
    override this.RecordsOf(name, item) =
        match this.TryFind name with
        | Some(LayerField.Records rs) ->
            rs |> List.mapi (fun j r -> ViewFields(layer, j, item, r |> List.map LayerFieldView |> Array.ofList, quote) :> LayerFields)
        | _ -> []

/// An ONNX node as the importer hands it to a layer kind: attributes by name, constant inputs as
/// rows (null for an omitted or non-constant input), and the node's description for messages.
[<Sealed>]
type internal NodeFields(where: string, ints: IReadOnlyDictionary<string, int64>, floats: IReadOnlyDictionary<string, float>, inputs: float[][], names: string[], quote: Func<string, string>) =
    inherit OnnxNodeFields()
    override _.Where = where
    override _.TryInt name = match ints.TryGetValue name with | true, v -> Some v | _ -> None
    override _.TryFloat name = match floats.TryGetValue name with | true, v -> Some v | _ -> None
    override _.InputCount = names.Length
    override this.TryRow(index, count) =
        if index >= names.Length || String.IsNullOrEmpty names.[index] then None
        elif isNull inputs.[index] then this.Fail(sprintf "input %d (%s) must be a constant tensor (an initializer)." index (quote.Invoke names.[index]))
        elif inputs.[index].Length <> count then this.Fail(sprintf "input %d (%s) has %d values but must have %d (one per feature of the layer before it)." index (quote.Invoke names.[index]) inputs.[index].Length count)
        else Some(Mat.row inputs.[index])

/// One layer of a core network as C# reads it: the kind, the weight matrices (one for dense, one
/// per piece for maxout, none for dropout), the biases (1×units each), the activation (dense only,
/// else null) and the drop rate (dropout only, else 0). Made by Networks.Dense/Maxout/Dropout
/// (validated) or read back by Networks.Layer. Course: S13, S25, S30.
[<Sealed; AllowNullLiteral>]
type LayerParts internal (layer: Layer) =
    member internal _.Core = layer
    /// The layer kind's name in the registry and the model file ("dense", "maxout", "dropout"),
    /// which the façade maps to its LayerKind once (LayerKinds.FromCore).
    member _.Kind : string = layer.Kind
    /// The weight matrices, inputs×units (one for dense, one per piece for maxout, none for dropout).
    member _.Weights : Matrix<float>[] =
        match layer with
        | DenseLayer d -> [| d.W |]
        | MaxoutLayer m -> Array.copy m.W
        | _ -> [||]
    /// The bias rows, 1×units (aligned with Weights).
    member _.Biases : Matrix<float>[] =
        match layer with
        | DenseLayer d -> [| d.B |]
        | MaxoutLayer m -> Array.copy m.B
        | _ -> [||]
    /// The activation of a dense layer; null for maxout and dropout.
    member _.Activation : Activation =
        match layer with
        | DenseLayer d -> d.Activation
        | _ -> Unchecked.defaultof<Activation>
    /// The layer's model-file fields after its "type" (Layer.Fields).
    member _.Fields : LayerFieldView[] = layer.Fields |> List.map LayerFieldView |> Array.ofList
    /// The layer's ONNX graph (Layer.Onnx), or null when it has no ONNX form.
    member _.Onnx : OnnxLayerStepView[] =
        match layer.Onnx with
        | Some steps -> steps |> List.map OnnxLayerStepView |> Array.ofList
        | None -> null
    /// The parameter named `name` (Layer.Parameters): its value and whether it is a weight matrix.
    member _.Parameter(name: string, [<Runtime.InteropServices.Out>] isWeight: byref<bool>) : Matrix<float> =
        match layer.Parameters |> List.tryFind (fun p -> p.Name = name) with
        | Some p ->
            isWeight <- p.IsWeight
            p.Value
        | None -> invalidArg "name" (sprintf "the %s layer has no parameter %s." layer.Kind name)
    /// The width this layer outputs when `width` comes in.
    member _.OutputWidth(width: int) : int = match layer.Widths with Some(_, o) -> o | None -> width
    /// The drop probability of a dropout layer (0 otherwise).
    member _.DropoutRate : float = match layer with DropoutLayer r -> r | _ -> 0.0
    /// Trainable parameters of this layer.
    member _.ParameterCount : int =
        Layer.parameterCount layer

/// ∂J/∂θ of one trainable layer: every parameter's gradient with its name (Layer.Parameters'
/// order), and for dense and maxout layers the same values as weights (one per piece), biases as
/// one row per piece (1×units) and ∂J/∂α for a PReLU layer (null otherwise). Course: S16, S25.
[<Sealed>]
type LayerGradientParts internal (layerIndex: int, kind: string, names: string[], values: Matrix<float>[], weights: Matrix<float>[], biases: Matrix<float>[], alpha: Nullable<float>) =
    /// The parameters' names inside the layer ("W", "b", "gamma"), aligned with Values.
    member _.Names = names
    /// Every parameter's gradient, in the layer's parameter order.
    member _.Values = values
    /// 0-based index of the layer in the network (dropout layers count).
    member _.LayerIndex = layerIndex
    /// The layer kind's registry name (as LayerParts.Kind).
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
    /// The layer kinds' model-file names, in the registry's order (Layers.all).
    static member LayerKindNames : string[] = Layers.all |> List.map (fun k -> k.Kind) |> Array.ofList
    /// Every key a layer kind's entry may hold, each once (the model file's layer keys).
    static member LayerFieldKeys : string[] = (Layers.all |> List.collect (fun k -> k.Keys)) @ UserLayers.fieldKeys |> List.distinct |> Array.ofList
    /// Whether `kind` names a user's registered layer kind (UserLayers.register).
    static member IsUserLayerKind(kind: string) : bool = UserLayers.registered () |> List.exists (fun k -> k.Kind = kind)
    /// Whether `kind` names a layer kind (exact spelling).
    static member IsLayerKind(kind: string) : bool = (Layers.tryFind kind).IsSome
    /// The layer of kind `kind` from its model-file fields, after a layer of width `width`
    /// (the kind's Read). FormatException names the layer and the field; ArgumentException comes from
    /// the layer's own checks; `quote` bounds and escapes file text put in a message.
    static member ReadLayer(kind: string, fields: IReadOnlyList<LayerFieldView>, layer: int, width: int, quote: Func<string, string>) : LayerParts =
        match Layers.tryFind kind with
        | None -> raise (FormatException(sprintf "layer %d has unknown type %s." layer (quote.Invoke kind)))
        | Some k -> LayerParts(k.Read (ViewFields(layer, -1, "piece", fields, quote)) width)
    /// A fresh layer of kind `kind` after a layer of width `width`, from its settings (the kind's
    /// Make: dropout's "rate", layer normalisation's "epsilon"; absent settings take their
    /// defaults). ArgumentException for a kind made with explicit weights (dense, maxout) or a
    /// setting out of range.
    static member Make(kind: string, width: int, settings: IReadOnlyList<LayerFieldView>) : LayerParts =
        match Layers.tryFind kind |> Option.bind (fun k -> k.Make) with
        | Some make -> LayerParts(make (ViewFields(-1, -1, "setting", settings, Func<string, string>(id))) width)
        | None -> invalidArg "kind" (sprintf "layer kind %s is not made from settings." kind)
    /// Whether a single node of ONNX op `op` reads back as a registered layer kind (LayerKind.FromOnnx).
    static member ReadsOnnxOp(op: string) : bool =
        Layers.all |> List.exists (fun k -> match k.FromOnnx with Some(o, _) -> o = op | None -> false)
    /// The layer a single ONNX node of op `op` reads back as (the kind's FromOnnx), after a layer of
    /// width `width`: `where` names the node in messages, `ints`/`floats` are its attributes,
    /// `inputNames` its inputs and `constants` their values where they are initializers (1-D or
    /// [1, d]; null otherwise); `quote` bounds and escapes names from the file put in a message.
    /// FormatException or ArgumentException when the node does not fit.
    static member ReadOnnxLayer(op: string, where: string, width: int, ints: IReadOnlyDictionary<string, int64>, floats: IReadOnlyDictionary<string, float>, inputNames: string[], constants: float[][], quote: Func<string, string>) : LayerParts =
        match Layers.all |> List.tryPick (fun k -> match k.FromOnnx with Some(o, read) when o = op -> Some read | _ -> None) with
        | Some read -> LayerParts(read (NodeFields(where, ints, floats, constants, inputNames, quote)) width)
        | None -> invalidArg "op" (sprintf "no layer kind reads the ONNX op %s." op)
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
    /// The forward pass of a float32 network (FastTraining.predictIn Single): float32 arithmetic on the
    /// float32 weights, the outputs widened; the first layer whose output is NaN or ±∞, or -1.
    static member ForwardSingle(net: Network, X: Matrix<float>) : ForwardResult =
        let n, outputs = X.RowCount, Network.outputSize net
        match FastTraining.predictIn Precision.Single net (Mat.toRowMajor X) with
        | Ok values -> ForwardResult(Mat.ofRowMajor n outputs values, -1, -1, -1)
        | Error(l, i, j) -> ForwardResult(Mat.constant n outputs nan, l, i, j)
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
                let ps = layer.Parameters
                let names = ps |> List.map (fun p -> p.Name) |> Array.ofList
                let values = take names.Length
                match layer with
                | _ when names.Length = 0 -> None
                | DenseLayer d ->
                    let alpha = match d.Activation with PReLU _ -> Nullable(Mat.scalar values.[2]) | _ -> Nullable()
                    Some(LayerGradientParts(l, layer.Kind, names, values, values.[0 .. 0], values.[1 .. 1], alpha))
                | MaxoutLayer m ->
                    let k = m.W.Length
                    Some(LayerGradientParts(l, layer.Kind, names, values, values.[0 .. k - 1], values.[k ..], Nullable()))
                | _ -> Some(LayerGradientParts(l, layer.Kind, names, values, [||], [||], Nullable())))
            |> List.choose id
            |> Array.ofList
        GradientResult(J, flat, layers)
