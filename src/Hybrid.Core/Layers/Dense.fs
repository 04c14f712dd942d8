namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// A fully connected layer A = g(X·W + 1·b).
type Dense =
    { /// Weights, d_in×d_out.
      W: Matrix<float>
      /// Bias, 1×d_out.
      B: Matrix<float>
      /// Activation g (PReLU carries its learned α).
      Activation: Activation }

/// What Dense.forward keeps for Dense.backward.
type DenseCache =
    { /// Input, n×d_in.
      X: Matrix<float>
      /// Pre-activation Z = X·W + 1·b, n×d_out.
      Z: Matrix<float>
      /// Output A = g(Z), n×d_out.
      A: Matrix<float> }
    interface ILayerCache with
        member c.FirstNonFinite() =
            Mat.firstNonFinite c.Z |> Option.orElse (Mat.firstNonFinite c.A)

/// The gradients Dense.backward returns; each has the shape of what it differentiates.
type DenseGradient =
    { /// ∂L/∂W, d_in×d_out.
      dW: Matrix<float>
      /// ∂L/∂b, 1×d_out.
      dB: Matrix<float>
      /// ∂L/∂α for PReLU (0 for every other activation).
      dAlpha: float
      /// ∂L/∂X, n×d_in: the upstream gradient of the previous layer.
      dX: Matrix<float> }

/// The dense layer and the chain rule on matrices (S13-S16). Rows are examples: X is n×d_in,
/// W d_in×d_out, b 1×d_out (the slides' Y = X·Wᵀ with W d_out×d_in is the same map with our
/// W = theirs transposed; docs/notation.md).
module Dense =

    /// A layer from its weights, bias and activation, checking that W is d_in×d_out and b is
    /// 1×d_out and that every entry is finite. Course: S14.
    let create (W: Matrix<float>) (B: Matrix<float>) (g: Activation) : Dense =
        Shape.nonEmpty "W" W
        Shape.exactly "B" 1 W.ColumnCount B
        Shape.finite "W" W
        Shape.finite "B" B
        Activation.validate "activation" g
        { W = W; B = B; Activation = g }

    /// Z = X·W + 1·b. Shapes: X n×d_in, W d_in×d_out, b 1×d_out -> Z n×d_out. Course: S13, S14.
    let linear (X: Matrix<float>) (W: Matrix<float>) (B: Matrix<float>) : Matrix<float> =
        Shape.multipliable "X" X "W" W
        Shape.exactly "B" 1 W.ColumnCount B
        Mat.addRow (Mat.mul X W) B

    /// A = g(X·W + 1·b), with the cache for backward. Shapes: X n×d_in -> A n×d_out.
    /// Course: S13-S16 (forward pass).
    let forward (layer: Dense) (X: Matrix<float>) : Matrix<float> * DenseCache =
        let Z = linear X layer.W layer.B
        let A = Activation.forward layer.Activation Z
        A, { X = X; Z = Z; A = A }

    /// Backward from dZ = ∂L/∂Z: dW = Xᵀ·dZ, db = 1ᵀ·dZ (column sums), dX = dZ·Wᵀ.
    /// (S13's dW = dYᵀX and dX = dY·W in the slides' transposed convention; S15's
    /// dW = 1/n·dZ·A_prevᵀ with the 1/n already inside our dZ because losses are batch means.)
    /// Shapes: dZ n×d_out -> dW d_in×d_out, db 1×d_out, dX n×d_in. Course: S13, S15, S16 (BP3, BP4).
    let backwardZ (layer: Dense) (cache: DenseCache) (dZ: Matrix<float>) (dAlpha: float) : DenseGradient =
        Shape.same "Z" cache.Z "dZ" dZ
        { dW = Mat.mulTN cache.X dZ
          dB = Mat.sumRows dZ
          dAlpha = dAlpha
          dX = Mat.mulNT dZ layer.W }

    /// Backward from dA = ∂L/∂A: dZ = dA ⊙ g′(Z) (softmax: its vector-Jacobian product), then
    /// as backwardZ; PReLU also returns ∂L/∂α. Shapes: dA n×d_out -> gradients shaped as W, b,
    /// X. Course: S15, S16 (BP1/BP2 are dZ = dA ⊙ σ′(z)). Checked by: DenseProperties "S16 / dense layer / gradients dW, db, dX match central differences for every activation".
    let backward (layer: Dense) (cache: DenseCache) (dA: Matrix<float>) : DenseGradient =
        Shape.same "A" cache.A "dA" dA
        let dZ = Activation.backward layer.Activation cache.Z dA
        backwardZ layer cache dZ (Activation.alphaGradient layer.Activation cache.Z dA)

    /// Trainable parameters of a dense layer with `inputs` inputs, `units` units and activation g:
    /// d_in·d_out + d_out, plus 1 for PReLU's α; in int64, so a builder can check a total before it
    /// makes the layer. Course: S14.
    let parameterCountOf (inputs: int) (units: int) (g: Activation) : int64 =
        int64 inputs * int64 units + int64 units + (match g with PReLU _ -> 1L | _ -> 0L)

    /// Trainable parameters of the layer (parameterCountOf its shape and activation). Course: S14.
    let parameterCount (layer: Dense) : int =
        int (parameterCountOf layer.W.RowCount layer.W.ColumnCount layer.Activation)

/// PReLU's ∂L/∂α (Activation.alphaGradientOf) instantiated at float and at float32: the inline
/// definition compares entries, and a comparison inside a class generic over 'T would box both
/// operands on every entry. One delegate call per batch.
type private AlphaGradient<'T> private () =
    static member val Of : Func<'T[], 'T[], int, 'T> =
        if Type.op_Equality(typeof<'T>, typeof<float>) then
            box (Func<float[], float[], int, float>(fun z da count -> Activation.alphaGradientOf z da count)) :?> Func<'T[], 'T[], int, 'T>
        else
            box (Func<float32[], float32[], int, float32>(fun z da count -> Activation.alphaGradientOf z da count)) :?> Func<'T[], 'T[], int, 'T>

/// The dense layer's buffer version (the fast path) at element type 'T (float, or float32 as a second
/// instantiation of the same code): Z = X·W + 1·b through Backend's product, A = g(Z) by the
/// activation's registry kernel at 'T (the definitions Activation.forward runs), and backward
/// dZ = dA ⊙ g′(Z), dW = Xᵀ·dZ, db = 1ᵀ·dZ, dX = dZ·Wᵀ in place (Dense.backward's formulas).
/// Parameters: W at slot.First, b next, PReLU's α after them. Course: S13-S16.
[<Sealed>]
type DensePlan<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> System.ValueType and 'T: comparison
                  and 'T :> System.Numerics.IFloatingPointIeee754<'T>>
        internal (layer: Dense, slot: PlanSlot) =
    inherit LayerPlan<'T>()
    let i, o = layer.W.RowCount, layer.W.ColumnCount
    let kernel = (Activation.entry layer.Activation).Kernels.At<'T>()
    let prelu = match layer.Activation with PReLU _ -> true | _ -> false
    let w, b, alpha = slot.First, slot.First + 1, (if prelu then slot.First + 2 else -1)
    let fixedSlope = 'T.CreateTruncating(Activation.loopParameter layer.Activation)
    let z = Array.zeroCreate<'T> (slot.Capacity * o)
    let a = Array.zeroCreate<'T> (slot.Capacity * o)
    let dz = Array.zeroCreate<'T> (slot.Capacity * o)
    let dx = if slot.NeedsInputGradient then Array.zeroCreate<'T> (slot.Capacity * i) else null
    let slope (parameters: 'T[][]) = if prelu then parameters.[alpha].[0] else fixedSlope
    /// The activation g.
    member _.Activation = layer.Activation
    /// The pre-activations Z of the last forward (row-major, capacity×d_out).
    member _.Z = z
    /// The outputs A of the last forward.
    member _.A = a
    /// ∂L/∂Z: written by Backward, or by a fused loss before it (then set StartsFromZ).
    member _.DZ = dz
    /// True when a fused loss (sigmoid+BCE, softmax+CE from the logits) writes DZ, so Backward
    /// skips the activation's backward (S21, S22).
    member val StartsFromZ = false with get, set
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    override _.Forward(x, rows, parameters, _) =
        Backend.GemmOf(false, false, rows, o, i, x, i, parameters.[w], o, z, o, false)
        RowMajor.addRow z rows o parameters.[b]
        kernel.Forward(slope parameters, z, a, rows, o)
        a
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    override this.Backward(x, up, rows, parameters, grads, _) =
        if not this.StartsFromZ then
            kernel.Backward(slope parameters, z, a, up, dz, rows, o)
            if prelu then grads.[alpha].[0] <- AlphaGradient<'T>.Of.Invoke(z, up, rows * o)
        Backend.GemmOf(true, false, i, o, rows, x, i, dz, o, grads.[w], o, false)
        RowMajor.columnSums dz rows o grads.[b]
        if not (isNull dx) then Backend.GemmOf(false, true, rows, i, o, dz, o, parameters.[w], o, dx, i, false)
        dx
    override _.FirstNonFinite() =
        let bad = RowMajor.firstNonFinite z o
        if bad >= 0 then bad else RowMajor.firstNonFinite a o

/// A dense layer under the layer contract (Network runs it through Layer).
[<Sealed>]
type private DenseLayerOf(layer: Dense) =
    inherit Layer()
    member _.Dense = layer
    override _.Kind = "dense"
    override _.Widths = Some(layer.W.RowCount, layer.W.ColumnCount)
    override _.Parameters =
        [ yield { Name = "W"; Value = layer.W; IsWeight = true }
          yield { Name = "b"; Value = layer.B; IsWeight = false }
          match layer.Activation with
          | PReLU a -> yield { Name = "alpha"; Value = Mat.constant 1 1 a; IsWeight = false }
          | _ -> () ]
    override _.WithParameters ps =
        match ps, layer.Activation with
        | [ w; b; a ], PReLU _ -> DenseLayerOf { layer with W = w; B = b; Activation = PReLU(Mat.scalar a) }
        | [ w; b ], g when (match g with PReLU _ -> false | _ -> true) -> DenseLayerOf { layer with W = w; B = b }
        | _ -> invalidOp "parameter list out of step with the layer."
    override _.Validate _ = ()
    override _.Stochastic = false
    override _.Forward(_, X) = let A, cache = Dense.forward layer X in A, cache :> ILayerCache
    override _.Backward(cache, dA) =
        let g = Dense.backward layer (Layer.cacheOf<DenseCache> cache) dA
        [ yield g.dW; yield g.dB; match layer.Activation with PReLU _ -> yield Mat.constant 1 1 g.dAlpha | _ -> () ], g.dX
    override _.Plan slot = DensePlan<float>(layer, slot)
    override _.PlanSingle slot = DensePlan<float32>(layer, slot)
    override _.Regions cache =
        match (Activation.entry layer.Activation).Kinks (Activation.loopParameter layer.Activation) with
        | [] -> Array.empty
        | kinks ->
            // 2·(kinks below z), plus 1 when z is exactly on a kink: one code per piece and per kink.
            Mat.toRowMajor (Layer.cacheOf<DenseCache> cache).Z
            |> Array.map (fun z -> 2 * (kinks |> List.filter (fun k -> k < z) |> List.length) + (if List.contains z kinks then 1 else 0))
    override _.Fields =
        let entry = Activation.entry layer.Activation
        [ yield "activation", LayerField.Text entry.File
          match entry.Parameter with
          | Some _ -> yield "parameter", LayerField.Number(Activation.loopParameter layer.Activation)
          | None -> ()
          yield "weights", LayerField.Matrix layer.W
          yield "biases", LayerField.Row layer.B ]
    override _.Onnx =
        Some [ OnnxLayerStep.Node("Gemm", "gemm", "z", [ OnnxLayerValue.Input; OnnxLayerValue.Parameter "W"; OnnxLayerValue.Parameter "b" ], [])
               OnnxLayerStep.Activation(layer.Activation, OnnxLayerValue.Step 0) ]
    override _.Equals(other) = match other with :? DenseLayerOf as d -> d.Dense = layer | _ -> false
    override _.GetHashCode() = hash layer
    override _.ToString() = sprintf "DenseLayer(%d -> %d, %s)" layer.W.RowCount layer.W.ColumnCount (Activation.name layer.Activation)

/// The dense layer as a network layer, and the pattern that recognises it.
[<AutoOpen>]
module DenseLayerCase =
    /// A dense layer A = g(X·W + 1·b) as a layer of a network. Course: S14.
    let DenseLayer (layer: Dense) : Layer = DenseLayerOf layer :> Layer

    /// Matches a dense layer, giving its weights, bias and activation.
    let (|DenseLayer|_|) (layer: Layer) : Dense option =
        match layer with
        | :? DenseLayerOf as d -> Some d.Dense
        | _ -> None

    /// The dense kind in the layer registry: "activation" (the registry's file name), its
    /// "parameter" when it has one, "weights" (d_in×d_out) and "biases" (d_out). Course: S14.
    let denseKind : LayerKind =
        { Kind = "dense"
          Keys = [ "activation"; "parameter"; "weights"; "biases" ]
          Make = None
          FromOnnx = None
          Read = fun fields _ ->
            let name = fields.Text "activation"
            let entry =
                match Activation.ofFileName name with
                | Some e -> e
                | None -> fields.Fail(sprintf "has unknown activation %s: it is not built in, and no activation of yours is registered under that name (register it before loading)." (fields.Quote name))
            let parameter =
                match entry.Parameter, fields.TryNumber "parameter" with
                | None, _ -> 0.0
                | Some _, Some p -> p
                | Some _, None -> fields.Fail(sprintf "activation %s needs a \"parameter\"." (fields.Quote name))
            let g = entry.Make parameter
            Activation.validate "activation" g
            let W = fields.Matrix "weights"
            let B = fields.Bias("biases", W.ColumnCount)
            DenseLayer(Dense.create W B g) }

    /// Matches a dense layer's cache.
    let (|DenseCache|_|) (cache: ILayerCache) : DenseCache option =
        match cache with
        | :? DenseCache as c -> Some c
        | _ -> None
