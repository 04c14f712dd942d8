namespace Hybrid.Core.Interop

open MathNet.Numerics.LinearAlgebra

/// A user's own layer as Hybrid calls it (course items S14-S17, extended by the user;
/// docs/extending.md): its output width, its forward pass and its backward pass on matrices, one
/// example per row, with the layer's parameters in the order the user declared them.
type ILayerMath =
    /// The output width for an input of `inputWidth` columns and these parameters; ArgumentException
    /// when the parameters' shapes do not fit the input.
    abstract OutputWidth: inputWidth: int * parameters: Matrix<float>[] -> int
    /// A = f(X; parameters), n×d_out for X n×d_in.
    abstract Forward: x: Matrix<float> * parameters: Matrix<float>[] -> Matrix<float>
    /// From dA = ∂L/∂A: the gradient of each parameter (aligned with them, each of its shape) and
    /// dX = ∂L/∂X (X's shape); `output` is the forward's A.
    abstract Backward: x: Matrix<float> * output: Matrix<float> * parameters: Matrix<float>[] * outputGradient: Matrix<float> -> Matrix<float>[] * Matrix<float>

namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core.Interop

/// A user's layer broke the layer contract: a pass returned a result of the wrong shape (S14).
/// Verification reports its message as the law's finding, not as an exception of the user's code.
type LayerContractException(message: string) =
    inherit InvalidOperationException(message)

/// A user's layer kind (S14-S17; docs/extending.md): the model file's "type", the math, and the
/// parameters' names with which are weights (L2 applies to weights only, S23).
type UserLayerKind =
    { /// The model file's "type" (not a built-in kind's).
      Kind: string
      /// The forward and backward passes.
      Math: ILayerMath
      /// The parameters' names, in the order Math takes them.
      Names: string list
      /// The names among them that are weights.
      Weights: Set<string> }

/// What a user's layer keeps for its backward pass: its input and its output.
[<Sealed>]
type UserLayerCache internal (x: Matrix<float>, a: Matrix<float>) =
    /// The forward's input X.
    member _.X = x
    /// The forward's output A.
    member _.A = a
    interface ILayerCache with
        member _.FirstNonFinite() = Mat.firstNonFinite a

/// A user's layer on the fast path (S28): the batch's rows copied into matrices, the user's passes
/// called on them, the results copied into the plan's buffers. It allocates per batch (the user's
/// math works on matrices); the built-in layers' plans do not. At float32 the user's math (float64
/// matrices) sees the plan's values widened, exactly, and its results are rounded to float32 once.
[<Sealed>]
type UserLayerPlan<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType
                      and 'T :> Numerics.IFloatingPointIeee754<'T>>
        internal (kind: UserLayerKind, shapes: (int * int) list, dIn: int, dOut: int, slot: PlanSlot) =
    inherit LayerPlan<'T>()
    let count = shapes.Length
    let a = Array.zeroCreate<'T> (slot.Capacity * dOut)
    let dx = if slot.NeedsInputGradient then Array.zeroCreate<'T> (slot.Capacity * dIn) else null
    let mutable lastX : Matrix<float> = null
    let mutable lastA : Matrix<float> = null
    /// The first `length` values at float (a copy; exact from float32).
    let widen (values: 'T[]) (length: int) : float[] =
        let wide = Array.zeroCreate<float> length
        Numerics.Tensors.TensorPrimitives.ConvertTruncating<'T, float>(ReadOnlySpan<'T>(values, 0, length), Span<float>(wide))
        wide
    /// target[0 ..] ← the values at 'T (rounded once at float32).
    let narrow (values: float[]) (target: 'T[]) =
        Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, 'T>(ReadOnlySpan<float>(values), Span<'T>(target, 0, values.Length))
    let parametersOf (parameters: 'T[][]) =
        shapes |> List.mapi (fun k (r, c) -> Mat.ofRowMajor r c (widen parameters.[slot.First + k] (r * c))) |> Array.ofList
    let rowsOf (buffer: 'T[]) (rows: int) (cols: int) = Mat.ofRowMajor rows cols (widen buffer (rows * cols))
    override _.Forward(x, rows, parameters, _) =
        lastX <- rowsOf x rows dIn
        lastA <- kind.Math.Forward(lastX, parametersOf parameters)
        narrow (Mat.toRowMajor lastA) a
        a
    override _.Backward(_, up, rows, parameters, grads, _) =
        let gs, gx = kind.Math.Backward(lastX, lastA, parametersOf parameters, rowsOf up rows dOut)
        for k in 0 .. count - 1 do
            narrow (Mat.toRowMajor gs.[k]) grads.[slot.First + k]
        if not (isNull dx) then narrow (Mat.toRowMajor gx) dx
        dx
    override _.FirstNonFinite() = if isNull lastA then -1 else RowMajor.firstNonFinite a dOut

/// A user's layer under the layer contract (S14-S17): the user's passes, with their results'
/// shapes checked, so a slip in the user's code is an error naming the layer and the parameter
/// rather than a wrong shape deep in the network.
[<Sealed>]
type UserLayer internal (kind: UserLayerKind, dIn: int, parameters: Matrix<float> list) =
    inherit Layer()
    let dOut = kind.Math.OutputWidth(dIn, Array.ofList parameters)
    let shapes = parameters |> List.map (fun p -> p.RowCount, p.ColumnCount)
    let fail (message: string) : 'T = raise (LayerContractException(sprintf "the %s layer's %s" kind.Kind message))
    /// Its kind.
    member _.UserKind = kind
    /// Its input width.
    member _.InputWidth = dIn
    override _.Kind = kind.Kind
    override _.Widths = Some(dIn, dOut)
    override _.Parameters =
        List.zip kind.Names parameters |> List.map (fun (n, p) -> { Name = n; Value = p; IsWeight = kind.Weights.Contains n })
    override _.WithParameters ps = UserLayer(kind, dIn, ps)
    override _.Validate _ = ()
    override _.Stochastic = false
    override _.Forward(_, X) =
        let A = kind.Math.Forward(X, Array.ofList parameters)
        if isNull A then fail "Forward returned null."
        if A.RowCount <> X.RowCount || A.ColumnCount <> dOut then
            fail (sprintf "Forward returned %d×%d for an input of %d rows, but OutputWidth says %d columns." A.RowCount A.ColumnCount X.RowCount dOut)
        A, UserLayerCache(X, A) :> ILayerCache
    override _.Backward(cache, dA) =
        let c = Layer.cacheOf<UserLayerCache> cache
        let gs, dX = kind.Math.Backward(c.X, c.A, Array.ofList parameters, dA)
        if isNull gs || gs.Length <> parameters.Length then
            fail (sprintf "Backward returned %s parameter gradients, but the layer has %d parameters." (if isNull gs then "no" else string gs.Length) parameters.Length)
        List.iteri (fun k (p: Matrix<float>) ->
            let g = gs.[k]
            if isNull g || g.RowCount <> p.RowCount || g.ColumnCount <> p.ColumnCount then
                fail (sprintf "gradient of %s is %s, but %s is %d×%d." (List.item k kind.Names)
                        (if isNull g then "null" else sprintf "%d×%d" g.RowCount g.ColumnCount) (List.item k kind.Names) p.RowCount p.ColumnCount)) parameters
        if isNull dX || dX.RowCount <> c.X.RowCount || dX.ColumnCount <> dIn then
            fail (sprintf "input gradient is %s, but the input is %d×%d." (if isNull dX then "null" else sprintf "%d×%d" dX.RowCount dX.ColumnCount) c.X.RowCount dIn)
        List.ofArray gs, dX
    override _.Plan slot = UserLayerPlan<float>(kind, shapes, dIn, dOut, slot)
    override _.PlanSingle slot = UserLayerPlan<float32>(kind, shapes, dIn, dOut, slot)
    override _.Fields =
        [ "parameters",
          LayerField.Records
              [ for n, p in List.zip kind.Names parameters ->
                  let values = Mat.row (Mat.toRowMajor p)   // the entries row by row, as one row
                  [ "name", LayerField.Text n
                    "rows", LayerField.Number(float p.RowCount)
                    "values", LayerField.Row values ] ] ]
    override _.Onnx = None
    override _.Equals(other) =
        match other with
        | :? UserLayer as u ->
            u.Kind = kind.Kind && u.InputWidth = dIn && List.forall2 (fun (a: LayerParameter) (b: Matrix<float>) -> a.Value.Equals b) u.Parameters parameters
        | _ -> false
    override _.GetHashCode() = hash (kind.Kind, dIn)
    override _.ToString() = sprintf "%s(%d -> %d)" kind.Kind dIn dOut

/// Users' layer kinds: made, registered for the model file, and read back (docs/extending.md).
module UserLayers =

    let private kinds = ResizeArray<UserLayerKind>()

    /// The keys a user's layer writes in the model file: its "parameters" records, each a "name",
    /// "rows" and "values". Course: S14.
    let fieldKeys = [ "parameters"; "name"; "rows"; "values" ]

    /// A user's layer of `kind` after a layer of width `inputWidth`, with these parameter values
    /// (in the kind's order). ArgumentException (naming "parameters") when their number differs
    /// from the kind's names, a value is not finite, or the math refuses their shapes. Course: S14.
    let create (kind: UserLayerKind) (inputWidth: int) (parameters: Matrix<float> list) : Layer =
        if parameters.Length <> kind.Names.Length then
            Shape.fail "parameters" (sprintf "the %s layer has %d parameters (%s), but %d were given." kind.Kind kind.Names.Length (String.Join(", ", kind.Names)) parameters.Length)
        List.iter2 (fun (n: string) (p: Matrix<float>) ->
            if isNull p then Shape.fail "parameters" (sprintf "the %s layer's %s is null." kind.Kind n)
            if (Mat.firstNonFinite p).IsSome then Shape.fail "parameters" (sprintf "the %s layer's %s holds a value that is not finite." kind.Kind n)) kind.Names parameters
        let dOut = kind.Math.OutputWidth(inputWidth, Array.ofList parameters)
        if dOut < 1 then Shape.fail "parameters" (sprintf "the %s layer's OutputWidth is %d; it must be at least 1." kind.Kind dOut)
        UserLayer(kind, inputWidth, parameters) :> Layer

    /// A user's layer kind from its name, math and parameter names (the weights among them).
    /// ArgumentException (naming "name") for a name with characters other than ASCII letters,
    /// digits, '-', '_' and '.', longer than 64, or a built-in kind's; (naming "parameters") for
    /// duplicate or empty parameter names, or a weight name that is not a parameter. Course: S14, S23.
    let kind (name: string) (math: ILayerMath) (names: string list) (weights: string list) : UserLayerKind =
        if String.IsNullOrWhiteSpace name then Shape.fail "name" "a layer's name must not be empty."
        if name.Length > 64 then Shape.fail "name" (sprintf "a layer's name has at most 64 characters, but this one has %d." name.Length)
        if not (name |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.')) then
            Shape.fail "name" (sprintf "a layer's name holds only ASCII letters, digits, '-', '_' and '.', but is \"%s\"." name)
        if [ denseKind; maxoutKind; dropoutKind; layerNormKind ] |> List.exists (fun k -> String.Equals(k.Kind, name, StringComparison.OrdinalIgnoreCase)) then
            Shape.fail "name" (sprintf "\"%s\" is the name of a built-in layer; choose another." name)
        if isNull (box math) then nullArg "math"
        if names |> List.exists String.IsNullOrWhiteSpace then Shape.fail "parameters" "a parameter's name must not be empty."
        if (List.distinct names).Length <> names.Length then Shape.fail "parameters" (sprintf "the parameter names %s repeat a name." (String.Join(", ", names)))
        match weights |> List.tryFind (fun w -> not (List.contains w names)) with
        | Some w -> Shape.fail "parameters" (sprintf "the weight \"%s\" is not one of the parameters (%s)." w (String.Join(", ", names)))
        | None -> ()
        { Kind = name; Math = math; Names = names; Weights = Set.ofList weights }

    /// The registry's view of a user's kind: the model file's "parameters" records (each a "name",
    /// "rows" and its "values" row by row) read back into the same layer.
    let private layerKind (kind: UserLayerKind) : LayerKind =
        { Kind = kind.Kind
          Keys = [ "parameters" ]
          Make = None
          FromOnnx = None
          Read = fun fields width ->
            let records = fields.Records("parameters", "parameter")
            if records.Length <> kind.Names.Length then
                fields.Fail(sprintf "has %d parameters, but the %s layer has %d." records.Length kind.Kind kind.Names.Length)
            let values =
                List.map2 (fun (r: LayerFields) (name: string) ->
                    let n = r.Text "name"
                    if n <> name then r.Fail(sprintf "is %s, but the %s layer's parameter here is \"%s\"." (r.Quote n) kind.Kind name)
                    let rows = r.Number "rows"
                    let row = match r.TryFind "values" with Some(LayerField.Row v) -> v | _ -> r.Fail "has no row of \"values\"."
                    let count = row.ColumnCount
                    if not (rows >= 1.0 && rows = Math.Floor rows && float count % rows = 0.0) then
                        r.Fail(sprintf "has %d values, which do not make %g rows." count rows)
                    Mat.ofRowMajor (int rows) (count / int rows) (Mat.toRowMajor row)) records kind.Names
            create kind width values }

    /// Registers a user's kind, so that model files name it and loading finds it. The same kind
    /// (same name and math) again does nothing; another under a registered name is an
    /// ArgumentException naming "kind". Course: S14.
    let register (kind: UserLayerKind) : unit =
        lock kinds (fun () ->
            match kinds |> Seq.tryFind (fun k -> String.Equals(k.Kind, kind.Kind, StringComparison.OrdinalIgnoreCase)) with
            | Some k when obj.ReferenceEquals(k.Math, kind.Math) && k.Names = kind.Names && k.Weights = kind.Weights -> ()
            | Some k -> Shape.fail "kind" (sprintf "a layer named \"%s\" is already registered with other math or parameters; give this one another name." k.Kind)
            | None -> kinds.Add kind)

    /// The registered users' kinds as the layer registry sees them. Course: S14.
    let registered () : LayerKind list = lock kinds (fun () -> kinds |> Seq.map layerKind |> List.ofSeq)
