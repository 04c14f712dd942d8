namespace Hybrid.Core

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

    /// A_ik = max_j Z_j,ik with Z_j = X·W_j + 1·b_j. Shapes: X n×d_in -> A n×d_out. Course: S04.
    let forward (layer: Maxout) (X: Matrix<float>) : Matrix<float> * MaxoutCache =
        let Z = Array.init layer.W.Length (fun j -> Dense.linear X layer.W.[j] layer.B.[j])
        let n, m = Z.[0].RowCount, Z.[0].ColumnCount
        let winner = Array2D.zeroCreate n m
        let A = Mat.zeros n m
        for i in 0 .. n - 1 do
            for c in 0 .. m - 1 do
                let mutable best = 0
                for j in 1 .. Z.Length - 1 do
                    if Z.[j].[i, c] > Z.[best].[i, c] then best <- j
                winner.[i, c] <- best
                A.[i, c] <- Z.[best].[i, c]
        A, { X = X; Z = Z; Winner = winner }

    /// The max routes the gradient (S10): dZ_j = dA ⊙ [winner = j]; then per piece
    /// dW_j = Xᵀ·dZ_j, db_j = 1ᵀ·dZ_j, and dX = Σ_j dZ_j·W_jᵀ. Returns (dW[], dB[], dX).
    /// Course: S04, S10. Checked by: DenseProperties "S04 / maxout / gradients match central differences (the max routes the gradient)".
    let backward (layer: Maxout) (cache: MaxoutCache) (dA: Matrix<float>) : Matrix<float>[] * Matrix<float>[] * Matrix<float> =
        Shape.same "A" cache.Z.[0] "dA" dA
        let dZ = Array.init layer.W.Length (fun j -> Mat.init dA.RowCount dA.ColumnCount (fun i c -> if cache.Winner.[i, c] = j then dA.[i, c] else 0.0))
        let dW = dZ |> Array.map (Mat.mulTN cache.X)
        let dB = dZ |> Array.map Mat.sumRows
        let dX = Array.fold2 (fun (acc: Matrix<float>) (d: Matrix<float>) (w: Matrix<float>) -> acc + Mat.mulNT d w) (Mat.zeros cache.X.RowCount cache.X.ColumnCount) dZ layer.W
        dW, dB, dX

    /// Trainable parameters: k·(d_in·d_out + d_out). Course: S04, S14.
    let parameterCount (layer: Maxout) : int =
        layer.W.Length * (layer.W.[0].RowCount * layer.W.[0].ColumnCount + layer.W.[0].ColumnCount)
