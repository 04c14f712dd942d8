namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// One parameter of a layer: its value, its name inside the layer ("W", "b", "alpha", "W[1]"; the
/// network prefixes "layer l "), and whether it is a weight (L2 applies to weights only, S23).
type LayerParameter =
    { /// The name inside the layer.
      Name: string
      /// The value.
      Value: Matrix<float>
      /// True for a weight matrix, false for a bias or a learned slope.
      IsWeight: bool }

/// What a layer's forward pass keeps for its backward pass (each layer defines its own).
type ILayerCache =
    /// The first entry of what the layer computed (its pre-activations, then its output) that is
    /// NaN or ±∞, as (row, column), else None. Course: S15.
    abstract FirstNonFinite : unit -> (int * int) option

/// Where a layer's buffer version sits in a fast-path plan.
type PlanSlot =
    { /// Rows the buffers hold (the largest batch).
      Capacity: int
      /// Width of the layer's input.
      Inputs: int
      /// Index of the layer's first parameter in the plan's parameter arrays.
      First: int
      /// Whether the backward pass must produce ∂L/∂X (false for the first trainable layer).
      NeedsInputGradient: bool }

/// A layer's buffer version on the fast path at element type 'T (float; float32 for the layers that
/// have a float32 plan): the same definitions as its matrix functions, iterated over preallocated
/// row-major buffers (capacity rows) in place. Parameters and their
/// gradients are the plan's arrays, read from PlanSlot.First on, in the order of Layer.Parameters.
/// Implementations mark Forward and Backward NoInlining: with dynamic PGO the JIT otherwise inlines
/// the dominant layer's pass (guarded devirtualization) into the plan's loop over layers, and an
/// MLP epoch measured 6–7% slower than with the passes as calls (docs/benchmarks/2026-12-06-layer-contract-ab.md).
[<AbstractClass>]
type LayerPlan<'T>() =
    /// The forward pass on the first `rows` rows of x; `seed` ≥ 0 is a training pass whose random
    /// draws (dropout's mask) are seeded with it, −1 is inference. Returns the output buffer
    /// (x itself for a layer that is the identity in this pass).
    abstract Forward : x: 'T[] * rows: int * parameters: 'T[][] * seed: int -> 'T[]
    /// The backward pass from `up` = ∂L/∂A of the last forward (whose input was x): writes the
    /// parameters' gradients into `grads` and returns ∂L/∂X (null when the slot does not need it;
    /// `up` itself for an identity pass). `training` says whether the last forward had a seed.
    abstract Backward : x: 'T[] * up: 'T[] * rows: int * parameters: 'T[][] * grads: 'T[][] * training: bool -> 'T[]
    /// After a one-row forward: the column of the first non-finite entry the layer computed in row 0
    /// (its pre-activations, then its output), or −1. Course: S15.
    abstract FirstNonFinite : unit -> int

/// A value in a layer's entry of the model file, in the file's JSON shapes (docs/model-format.md).
[<RequireQualifiedAccess>]
type LayerField =
    /// A string.
    | Text of string
    /// A finite number.
    | Number of float
    /// A weight matrix, written as its rows: d_in rows (the width of what comes before the layer).
    | Matrix of Matrix<float>
    /// One row of numbers (a bias, 1×d_out), written flat.
    | Row of Matrix<float>
    /// An array of objects, each with its own named fields (maxout's pieces).
    | Records of (string * LayerField) list list

/// The fields of one layer (or one of its records) as the model file's reader found them, with
/// typed lookups whose failures name the place (Where, e.g. "layer 3" or "layer 3 piece 1",
/// built only for a message) and the key. Failures are FormatException; text from the file goes
/// through Quote (bounded, control characters escaped) before it enters a message. The reader
/// supplies the lookup (TryFind, Records), so reading a layer builds no list of its fields.
[<AbstractClass>]
type LayerFields() =
    let fail (message: string) : 'T = raise (FormatException(message))
    /// The place these fields belong to, as messages name it.
    abstract Where : string
    /// The field `name`, or None.
    abstract TryFind : name: string -> LayerField option
    /// Quotes text from the file for a message (bounded, control characters escaped).
    abstract Quote : text: string -> string
    /// The records of a Records field, each named "<Where> <item> j".
    abstract RecordsOf : name: string * item: string -> LayerFields list
    member private this.Missing(name: string) : 'T = fail (sprintf "%s has no \"%s\"." this.Where name)
    /// Fails with a message about this place: "<Where> <message>".
    member this.Fail(message: string) : 'T = fail (sprintf "%s %s" this.Where message)
    /// The string field `name`.
    member this.Text(name: string) : string =
        match this.TryFind name with
        | Some(LayerField.Text t) -> t
        | Some _ -> fail (sprintf "%s \"%s\" must be a string." this.Where name)
        | None -> this.Missing name
    /// The number field `name`, or None when absent.
    member this.TryNumber(name: string) : float option =
        match this.TryFind name with
        | Some(LayerField.Number v) -> Some v
        | Some _ -> fail (sprintf "%s \"%s\" must be a number." this.Where name)
        | None -> None
    /// The number field `name`.
    member this.Number(name: string) : float =
        match this.TryNumber name with
        | Some v -> v
        | None -> this.Missing name
    /// The weight matrix `name` (its rows were checked against the width before it).
    member this.Matrix(name: string) : Matrix<float> =
        match this.TryFind name with
        | Some(LayerField.Matrix m) -> m
        | Some _ -> fail (sprintf "%s %s must be an array of rows." this.Where name)
        | None -> this.Missing name
    /// The bias row `name` as a 1×units matrix, failing unless it has `units` values (one per unit).
    member this.Bias(name: string, units: int) : Matrix<float> =
        match this.TryFind name with
        | Some(LayerField.Row r) when r.ColumnCount = units -> r
        | Some(LayerField.Row r) -> fail (sprintf "%s %s has %d values but must have %d (one per unit)." this.Where name r.ColumnCount units)
        | Some _ -> fail (sprintf "%s %s must be an array of numbers." this.Where name)
        | None -> this.Missing name
    /// The records of the array field `name`, each named "<Where> <item> j".
    member this.Records(name: string, item: string) : LayerFields list =
        match this.TryFind name with
        | Some(LayerField.Records _) -> this.RecordsOf(name, item)
        | Some _ -> fail (sprintf "%s %s must be an array of objects." this.Where name)
        | None -> this.Missing name

/// Layer fields held as a list (a layer's own Fields read back, in tests and tools).
[<Sealed>]
type ListFields(where: string, fields: (string * LayerField) list, quote: string -> string) =
    inherit LayerFields()
    override _.Where = where
    override _.TryFind name = fields |> List.tryPick (fun (k, v) -> if k = name then Some v else None)
    override _.Quote text = quote text
    override this.RecordsOf(name, item) =
        match this.TryFind name with
        | Some(LayerField.Records rs) -> rs |> List.mapi (fun j r -> ListFields(sprintf "%s %s %d" where item j, r, quote) :> LayerFields)
        | _ -> []

/// A value in a layer's ONNX graph.
[<RequireQualifiedAccess>]
type OnnxLayerValue =
    /// What comes into the layer.
    | Input
    /// The layer's parameter of this name (Layer.Parameters), as the initializer "layer{l}.{name}":
    /// a weight matrix as a 2-D tensor, any other parameter (a 1×d row) as a 1-D tensor [d].
    | Parameter of string
    /// A constant scalar tensor [] named "layer{l}.{name}".
    | Scalar of name: string * value: float
    /// The output of the layer's step k (0-based).
    | Step of int

/// An attribute of an ONNX node of a layer.
[<RequireQualifiedAccess>]
type OnnxLayerAttribute =
    /// An INT attribute.
    | Int of name: string * value: int64
    /// A FLOAT attribute.
    | Float of name: string * value: float

/// One step of a layer's ONNX graph (the layer's ONNX hook); the last step that writes a node
/// writes the layer's output.
[<RequireQualifiedAccess>]
type OnnxLayerStep =
    /// A standard-domain node "layer{l}.{name}" with output "layer{l}.{output}" (unless it is the
    /// layer's last node).
    | Node of op: string * name: string * output: string * inputs: OnnxLayerValue list * attributes: OnnxLayerAttribute list
    /// An activation applied to a value, in the activation registry's ONNX form (no node at all for
    /// the identity).
    | Activation of Activation * OnnxLayerValue

/// What an ONNX node offers a layer kind's importer (LayerKind.FromOnnx): its attributes and its
/// constant inputs (initializers), with lookups whose failures name the node (Where).
/// Failures are FormatException.
[<AbstractClass>]
type OnnxNodeFields() =
    /// The node as messages name it ("node 'layer1.layernorm' (LayerNormalization)").
    abstract Where : string
    /// The INT attribute `name`, or None.
    abstract TryInt : name: string -> int64 option
    /// The FLOAT attribute `name`, or None.
    abstract TryFloat : name: string -> float option
    /// The number of inputs the node names (an empty name counts: ONNX's omitted optional input).
    abstract InputCount : int
    /// Input k as a constant 1×count row (a tensor [count] or [1, count]), or None when the input
    /// is omitted; a non-constant input or another shape fails.
    abstract TryRow : index: int * count: int -> Matrix<float> option
    /// Fails with a message about this node: "<Where> <message>".
    member this.Fail(message: string) : 'T = raise (FormatException(sprintf "%s %s" this.Where message))

/// The contract every layer meets (S14-S17): its widths, its parameters in a fixed order, the
/// matrix forward and backward that read as the course writes them (each layer file), its buffer
/// version for the fast path, its model-file fields and its ONNX graph. Network, the fast path, the
/// model file and the ONNX exporter run every layer through this contract only: Network.backward
/// is the loop over the reversed layers that S16 draws.
[<AbstractClass>]
type Layer() =
    /// The layer kind's name, as the model file's "type" writes it ("dense", "maxout", "dropout",
    /// "layerNorm").
    abstract Kind : string
    /// (d_in, d_out) for a layer with fixed widths; None for one that keeps the width it is given.
    abstract Widths : (int * int) option
    /// The parameters, in the order optimisers, gradients and θ use (S17).
    abstract Parameters : LayerParameter list
    /// The same layer with new parameter values, in the order and shapes of Parameters (the
    /// network checks them before calling).
    abstract WithParameters : Matrix<float> list -> Layer
    /// Checks what construction could not (a setting's range), naming `paramName`.
    abstract Validate : paramName: string -> unit
    /// Whether training passes draw random numbers (dropout with rate > 0).
    abstract Stochastic : bool
    /// The forward pass on X (n×d_in) -> (A n×d_out, cache); `seed` Some s is a training pass whose
    /// random draws are seeded with s, None is inference. Course: S15, S16.
    abstract Forward : seed: int option * X: Matrix<float> -> Matrix<float> * ILayerCache
    /// The backward pass from dA = ∂L/∂A: (gradients aligned with Parameters, dX = ∂L/∂X).
    /// Course: S16 (BP1-BP4).
    abstract Backward : cache: ILayerCache * dA: Matrix<float> -> Matrix<float> list * Matrix<float>
    /// The buffer version for a fast-path plan. Course: S28.
    abstract Plan : PlanSlot -> LayerPlan<float>
    /// The buffer version at float32 (the same definitions instantiated at float32), for training
    /// and inference in single precision: every layer kind has one. Course: S28.
    abstract PlanSingle : PlanSlot -> LayerPlan<float32>
    /// The layer's entry in the model file, after its "type": its settings and parameters as named
    /// fields (the kind's Read makes the same layer from them).
    abstract Fields : (string * LayerField) list
    /// The layer's ONNX graph at inference (its ONNX hook), or None when it has no ONNX form.
    abstract Onnx : OnnxLayerStep list option
    /// After a forward pass: for each entry the layer computed, which smooth piece of its function it
    /// lies on (a dense layer: the interval between its activation's kinks; maxout: the winning
    /// piece). Two forward passes whose regions differ straddle a kink, where a central difference
    /// does not estimate the derivative (the gradient check leaves such entries out, S26). Empty for a
    /// layer that is smooth everywhere (the default).
    abstract Regions : cache: ILayerCache -> int[]
    default _.Regions _ = Array.empty

/// A layer kind in the registry (Layers.all): its model-file name and how it is read back.
type LayerKind =
    { /// The model file's "type" (Layer.Kind of its layers).
      Kind: string
      /// The keys its entry may hold (other keys are skipped unread, as a newer writer's fields).
      Keys: string list
      /// The layer from its entry's fields and the width of what comes before it; failures are
      /// FormatException (or ArgumentException from a layer's own checks).
      Read: LayerFields -> int -> Layer
      /// A fresh layer of this kind from its settings (fields without parameters; absent ones take
      /// their defaults) after a layer of the given width, for a builder; None for kinds built with
      /// explicit sizes and initialised weights (dense, maxout).
      Make: (LayerFields -> int -> Layer) option
      /// The ONNX op a single node of which reads back as this kind, and how (the node, the width
      /// before it); None for kinds the importer recognises by their own patterns (dense, maxout,
      /// dropout) or that have no ONNX form.
      FromOnnx: (string * (OnnxNodeFields -> int -> Layer)) option }

/// The layer contract's shared checks.
module Layer =

    /// The cache as the layer's own type, or ArgumentException when it came from another layer.
    let cacheOf<'Cache when 'Cache :> ILayerCache> (cache: ILayerCache) : 'Cache =
        match cache with
        | :? 'Cache as c -> c
        | _ -> Shape.fail "caches" "the caches do not belong to this network."

    /// Number of trainable parameters: the entries of every parameter matrix. Course: S14.
    let parameterCount (layer: Layer) : int =
        layer.Parameters |> List.sumBy (fun p -> p.Value.RowCount * p.Value.ColumnCount)
