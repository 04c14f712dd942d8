namespace Hybrid.Core

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
