namespace Hybrid.Core

open MathNet.Numerics.LinearAlgebra

/// L2 regularisation (S23): a penalty added to the data loss, on weight matrices only
/// (biases and PReLU's alpha are not penalised).
module Regularization =

    /// R(W) = λ·Σ_ij W_ij². Course: S23. Checked by: LossProperties "S23 / L2 / the penalty gradient equals the central difference of λ·ΣW²".
    let l2 (lambda: float) (W: Matrix<float>) : float =
        Shape.nonNegative "lambda" lambda
        lambda * Mat.sum (Mat.hadamard W W)

    /// ∂R/∂W = 2λ·W. Course: S23.
    let l2' (lambda: float) (W: Matrix<float>) : Matrix<float> =
        Shape.nonNegative "lambda" lambda
        2.0 * lambda * W
