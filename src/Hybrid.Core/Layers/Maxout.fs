namespace Hybrid.Core

open System.Numerics
open MathNet.Numerics.LinearAlgebra

/// A maxout layer: A = max_j (X·W_j + 1·b_j) over k linear pieces, entry by entry.
type Maxout =
    { /// The k weight matrices, each d_in×d_out.
      W: Matrix<float>[]
      /// The k biases, each 1×d_out.
      B: Matrix<float>[] }

/// What Maxout.forward keeps for Maxout.backward.
type MaxoutCache =
    { /// Input, n×d_in.
      X: Matrix<float>
      /// The k pre-activations Z_j = X·W_j + 1·b_j, each n×d_out.
      Z: Matrix<float>[]
      /// For each output entry, the piece that won the max (first one on ties).
      Winner: int[,] }
    interface ILayerCache with
        member c.FirstNonFinite() =
            c.Z |> Array.tryPick Mat.firstNonFinite

/// Maxout (S04): max(w1·x + b1, w2·x + b2, ...) as its own layer with k linear pieces.
module Maxout =

    /// A layer from k ≥ 2 weight matrices (all d_in×d_out) and k biases (1×d_out). Course: S04.
    let create (W: Matrix<float>[]) (B: Matrix<float>[]) : Maxout =
        if isNull W || W.Length < 2 then Shape.fail "W" "maxout needs at least 2 pieces."
        if isNull B || B.Length <> W.Length then Shape.fail "B" (sprintf "maxout needs one bias per piece: %d weights but %d biases." W.Length (if isNull B then 0 else B.Length))
        for j in 0 .. W.Length - 1 do
            Shape.nonEmpty (sprintf "W[%d]" j) W.[j]
            Shape.same "W[0]" W.[0] (sprintf "W[%d]" j) W.[j]
            Shape.exactly (sprintf "B[%d]" j) 1 W.[0].ColumnCount B.[j]
            Shape.finite (sprintf "W[%d]" j) W.[j]
            Shape.finite (sprintf "B[%d]" j) B.[j]
        { W = W; B = B }

    /// The piece that wins an entry: the first j of the k pieces with the largest z_j (ties go to
    /// the first). Course: S04.
    /// At any element type (float, float32): the comparison is the type's own operator, so the
    /// fast path's generic plan compares without boxing.
    let inline winner<'T when 'T :> IFloatingPointIeee754<'T>> (pieces: int) ([<InlineIfLambda>] z: int -> 'T) : int =
        let mutable best = 0
        for j in 1 .. pieces - 1 do
            if 'T.op_GreaterThan(z j, z best) then best <- j
        best

    /// The gradient piece j receives at an entry: dA where j won, else 0 (the max routes, S10).
    let inline routed<'T when 'T :> IFloatingPointIeee754<'T>> (won: int) (j: int) (dA: 'T) : 'T = if won = j then dA else 'T.Zero

    /// A_ik = max_j Z_j,ik with Z_j = X·W_j + 1·b_j. Shapes: X n×d_in -> A n×d_out. Course: S04.
    let forward (layer: Maxout) (X: Matrix<float>) : Matrix<float> * MaxoutCache =
        let Z = Array.init layer.W.Length (fun j -> Dense.linear X layer.W.[j] layer.B.[j])
        let n, m = Z.[0].RowCount, Z.[0].ColumnCount
        let won = Array2D.zeroCreate n m
        let A = Mat.zeros n m
        for i in 0 .. n - 1 do
            for c in 0 .. m - 1 do
                let best = winner Z.Length (fun j -> Z.[j].[i, c])
                won.[i, c] <- best
                A.[i, c] <- Z.[best].[i, c]
        A, { X = X; Z = Z; Winner = won }

    /// The max routes the gradient (S10): dZ_j = dA ⊙ [winner = j]; then per piece
    /// dW_j = Xᵀ·dZ_j, db_j = 1ᵀ·dZ_j, and dX = Σ_j dZ_j·W_jᵀ. Returns (dW[], dB[], dX).
    /// Course: S04, S10. Checked by: DenseProperties "S04 / maxout / gradients match central differences (the max routes the gradient)".
    let backward (layer: Maxout) (cache: MaxoutCache) (dA: Matrix<float>) : Matrix<float>[] * Matrix<float>[] * Matrix<float> =
        Shape.same "A" cache.Z.[0] "dA" dA
        let dZ = Array.init layer.W.Length (fun j -> Mat.init dA.RowCount dA.ColumnCount (fun i c -> routed cache.Winner.[i, c] j dA.[i, c]))
        let dW = dZ |> Array.map (Mat.mulTN cache.X)
        let dB = dZ |> Array.map Mat.sumRows
        let dX = Array.fold2 (fun (acc: Matrix<float>) (d: Matrix<float>) (w: Matrix<float>) -> acc + Mat.mulNT d w) (Mat.zeros cache.X.RowCount cache.X.ColumnCount) dZ layer.W
        dW, dB, dX

    /// Trainable parameters: k·(d_in·d_out + d_out). Course: S04, S14.
    let parameterCount (layer: Maxout) : int =
        layer.W.Length * (layer.W.[0].RowCount * layer.W.[0].ColumnCount + layer.W.[0].ColumnCount)

/// The maxout layer's buffer version (the fast path): Z_j = X·W_j + 1·b_j per piece, the winner
/// and A entry by entry (Maxout.winner), and backward dZ_j = routed dA, dW_j = Xᵀ·dZ_j,
/// db_j = 1ᵀ·dZ_j, dX = Σ_j dZ_j·W_jᵀ in place. Parameters: W_0..W_(k−1) from slot.First, then
/// b_0..b_(k−1). Course: S04, S10.
[<Sealed>]
type MaxoutPlan<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> System.ValueType and 'T: comparison
                   and 'T :> IFloatingPointIeee754<'T>>
        internal (layer: Maxout, slot: PlanSlot) =
    inherit LayerPlan<'T>()
    let k, i, o = layer.W.Length, layer.W.[0].RowCount, layer.W.[0].ColumnCount
    let z = Array.init k (fun _ -> Array.zeroCreate<'T> (slot.Capacity * o))
    let a = Array.zeroCreate<'T> (slot.Capacity * o)
    let won = Array.zeroCreate<int> (slot.Capacity * o)
    let dz = Array.zeroCreate<'T> (slot.Capacity * o)
    let dx = if slot.NeedsInputGradient then Array.zeroCreate<'T> (slot.Capacity * i) else null
    let w j = slot.First + j
    let b j = slot.First + k + j
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    override _.Forward(x, rows, parameters, _) =
        for j in 0 .. k - 1 do
            Backend.GemmOf(false, false, rows, o, i, x, i, parameters.[w j], o, z.[j], o, false)
            RowMajor.addRow z.[j] rows o parameters.[b j]
        for e in 0 .. rows * o - 1 do
            let best = Maxout.winner k (fun j -> z.[j].[e])
            won.[e] <- best
            a.[e] <- z.[best].[e]
        a
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    override _.Backward(x, up, rows, parameters, grads, _) =
        for j in 0 .. k - 1 do
            for e in 0 .. rows * o - 1 do
                dz.[e] <- Maxout.routed won.[e] j up.[e]
            Backend.GemmOf(true, false, i, o, rows, x, i, dz, o, grads.[w j], o, false)
            RowMajor.columnSums dz rows o grads.[b j]
            if not (isNull dx) then Backend.GemmOf(false, true, rows, i, o, dz, o, parameters.[w j], o, dx, i, j > 0)
        dx
    override _.FirstNonFinite() =
        let mutable bad = -1
        let mutable j = 0
        while bad < 0 && j < k do
            bad <- RowMajor.firstNonFinite z.[j] o
            j <- j + 1
        bad

/// A maxout layer under the layer contract.
[<Sealed>]
type private MaxoutLayerOf(layer: Maxout) =
    inherit Layer()
    member _.Maxout = layer
    override _.Kind = "maxout"
    override _.Widths = Some(layer.W.[0].RowCount, layer.W.[0].ColumnCount)
    override _.Parameters =
        [ for j in 0 .. layer.W.Length - 1 -> { Name = sprintf "W[%d]" j; Value = layer.W.[j]; IsWeight = true } ]
        @ [ for j in 0 .. layer.B.Length - 1 -> { Name = sprintf "b[%d]" j; Value = layer.B.[j]; IsWeight = false } ]
    override _.WithParameters ps =
        let k = layer.W.Length
        if List.length ps <> 2 * k then invalidOp "parameter list out of step with the layer."
        let ps = Array.ofList ps
        MaxoutLayerOf { W = ps.[0 .. k - 1]; B = ps.[k ..] }
    override _.Validate _ = ()
    override _.Stochastic = false
    override _.Forward(_, X) = let A, cache = Maxout.forward layer X in A, cache :> ILayerCache
    override _.Backward(cache, dA) =
        let dW, dB, dX = Maxout.backward layer (Layer.cacheOf<MaxoutCache> cache) dA
        List.ofArray dW @ List.ofArray dB, dX
    override _.Plan slot = MaxoutPlan<float>(layer, slot)
    override _.PlanSingle slot = MaxoutPlan<float32>(layer, slot)
    override _.Regions cache =
        // The winning piece of each output entry: maxout's kinks are where the winner changes.
        let w = (Layer.cacheOf<MaxoutCache> cache).Winner
        Array.init (Array2D.length1 w * Array2D.length2 w) (fun e -> w.[e / Array2D.length2 w, e % Array2D.length2 w])
    override _.Fields =
        [ "pieces", LayerField.Records [ for j in 0 .. layer.W.Length - 1 -> [ "weights", LayerField.Matrix layer.W.[j]; "biases", LayerField.Row layer.B.[j] ] ] ]
    override _.Onnx =
        let k = layer.W.Length
        Some [ for j in 0 .. k - 1 do
                 yield OnnxLayerStep.Node("Gemm", sprintf "gemm[%d]" j, sprintf "z[%d]" j,
                                    [ OnnxLayerValue.Input; OnnxLayerValue.Parameter(sprintf "W[%d]" j); OnnxLayerValue.Parameter(sprintf "b[%d]" j) ], [])
               yield OnnxLayerStep.Node("Max", "max", "max", [ for j in 0 .. k - 1 -> OnnxLayerValue.Step j ], []) ]
    override _.Equals(other) = match other with :? MaxoutLayerOf as m -> m.Maxout = layer | _ -> false
    override _.GetHashCode() = hash layer
    override _.ToString() = sprintf "MaxoutLayer(%d -> %d, %d pieces)" layer.W.[0].RowCount layer.W.[0].ColumnCount layer.W.Length

/// The maxout layer as a network layer, and the pattern that recognises it.
[<AutoOpen>]
module MaxoutLayerCase =
    /// A maxout layer as a layer of a network. Course: S04.
    let MaxoutLayer (layer: Maxout) : Layer = MaxoutLayerOf layer :> Layer

    /// Matches a maxout layer, giving its pieces.
    let (|MaxoutLayer|_|) (layer: Layer) : Maxout option =
        match layer with
        | :? MaxoutLayerOf as m -> Some m.Maxout
        | _ -> None

    /// The maxout kind in the layer registry: "pieces", each with "weights" (d_in×d_out) and
    /// "biases" (d_out); at least 2, all of one width. Course: S04.
    let maxoutKind : LayerKind =
        { Kind = "maxout"
          Keys = [ "pieces" ]
          Make = None
          FromOnnx = None
          Read = fun fields _ ->
            let pieces = fields.Records("pieces", "piece")
            if pieces.Length < 2 then fields.Fail(sprintf "is a maxout layer with %d pieces; it needs at least 2." pieces.Length)
            let W = pieces |> List.map (fun p -> p.Matrix "weights") |> Array.ofList
            W |> Array.iteri (fun j w -> if w.ColumnCount <> W.[0].ColumnCount then fields.Fail(sprintf "piece %d has %d units but piece 0 has %d." j w.ColumnCount W.[0].ColumnCount))
            let B = pieces |> List.mapi (fun j p -> p.Bias("biases", W.[j].ColumnCount)) |> Array.ofList
            MaxoutLayer(Maxout.create W B) }

    /// Matches a maxout layer's cache.
    let (|MaxoutCache|_|) (cache: ILayerCache) : MaxoutCache option =
        match cache with
        | :? MaxoutCache as c -> Some c
        | _ -> None
