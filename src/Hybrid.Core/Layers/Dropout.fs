namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Inverted dropout (S34's Dropout): in training each activation is kept with probability
/// 1 − rate and scaled by 1/(1 − rate), so the expected activation is unchanged and inference
/// needs no rescaling; at inference the layer is the identity.
module Dropout =

    /// The rate must lie in [0, 1). Course: S34.
    let validate (paramName: string) (rate: float) : unit =
        if not (rate >= 0.0 && rate < 1.0) then Shape.fail paramName (sprintf "dropout rate must lie in [0, 1) but is %g." rate)

    /// The mask M: M_ij = 1/(1 − rate) if u_ij ≥ rate, else 0, where u_ij ∈ [0, 1) are the first
    /// rows·cols draws of Rng(seed).NextDouble() in row-major order, so P(M_ij ≠ 0) = 1 − rate and
    /// E[M_ij] = 1 (same seed, same mask; the fast path draws the same u_ij in the same order).
    /// Shapes: rows×cols. Course: S34.
    let mask (seed: int) (rate: float) (rows: int) (cols: int) : Matrix<float> =
        validate "rate" rate
        let rng = Rng(seed)
        let keep = 1.0 / (1.0 - rate)
        let values = Array.init (rows * cols) (fun _ -> if rng.NextDouble() >= rate then keep else 0.0)
        Mat.init rows cols (fun i j -> values.[i * cols + j])

    /// Training forward: A = X ⊙ M. Shapes: X n×d, M n×d -> n×d. Course: S34.
    let forward (M: Matrix<float>) (X: Matrix<float>) : Matrix<float> =
        Shape.same "mask" M "X" X
        Mat.hadamard X M

    /// Backward: dX = dA ⊙ M (the mask routes the gradient like a multiply gate, S10). Course: S34.
    /// Checked by: NetworkProperties "S34 / dropout / with a fixed mask seed it backpropagates exactly (gradients match central differences)".
    let backward (M: Matrix<float>) (dA: Matrix<float>) : Matrix<float> =
        Shape.same "mask" M "dA" dA
        Mat.hadamard dA M
