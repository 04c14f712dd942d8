namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Where an analytic and a numerical gradient disagree most.
type GradientCheck =
    { /// max over entries of |a − n| / max(|a|, |n|, tiny).
      MaxRelativeError: float
      /// Row of the worst entry.
      Row: int
      /// Column of the worst entry.
      Column: int
      /// The analytic value there.
      Analytic: float
      /// The numerical value there.
      Numerical: float }

/// Numerical differentiation by central differences and gradient checking (S06, S26).
module Numerical =

    /// f′(x) ≈ (f(x + h) − f(x − h)) / 2h, the central difference (error O(h²)); the limit
    /// definition of S06 with a symmetric step. Course: S06.
    let derivative (h: float) (f: float -> float) (x: float) : float = (f (x + h) - f (x - h)) / (2.0 * h)

    /// ∂f/∂X by central differences, one entry at a time (S26: perturb X_ij by ±h, evaluate,
    /// restore). X is never mutated from the caller's view: each evaluation gets a copy.
    /// Costs 2·rows·cols evaluations of f. Shapes: X r×c -> r×c. Course: S06, S26.
    let gradient (h: float) (f: Matrix<float> -> float) (X: Matrix<float>) : Matrix<float> =
        Shape.notNull "X" X
        Shape.positive "h" h
        let G = Mat.zeros X.RowCount X.ColumnCount
        let Xh = X.Clone()
        for i in 0 .. X.RowCount - 1 do
            for j in 0 .. X.ColumnCount - 1 do
                let x = X.[i, j]
                Xh.[i, j] <- x + h
                let fPlus = f (Xh.Clone())
                Xh.[i, j] <- x - h
                let fMinus = f (Xh.Clone())
                Xh.[i, j] <- x
                G.[i, j] <- (fPlus - fMinus) / (2.0 * h)
        G

    /// The vector-Jacobian product ∂(Σ_ij U_ij·f(X)_ij)/∂X by central differences: what
    /// backward(dA = U) must return for a matrix function f (check with a random upstream
    /// gradient, never a full Jacobian). Course: S06, S12, S26.
    let vjp (h: float) (f: Matrix<float> -> Matrix<float>) (X: Matrix<float>) (U: Matrix<float>) : Matrix<float> =
        gradient h (fun x -> Mat.sum (Mat.hadamard U (f x))) X

    /// |a − n| / max(|a|, |n|, tiny): relative error with a floor `tiny` on the scale, so two
    /// values both near 0 are compared absolutely. Course: S26.
    let relativeError (tiny: float) (a: float) (n: float) : float =
        abs (a - n) / Math.Max(Math.Max(abs a, abs n), tiny)

    /// Gradient checking (S26): the worst entry-wise relative error between an analytic and a
    /// numerical gradient of the same shape, and where it occurs. NaN counts as the worst (+∞).
    /// Checked by: TrainingProperties "S26 / gradient check / a NaN in either gradient is the worst error (+∞), reported where it is".
    let check (tiny: float) (analytic: Matrix<float>) (numerical: Matrix<float>) : GradientCheck =
        Shape.same "analytic" analytic "numerical" numerical
        let mutable worst = { MaxRelativeError = 0.0; Row = 0; Column = 0; Analytic = nan; Numerical = nan }
        if analytic.RowCount > 0 && analytic.ColumnCount > 0 then
            worst <- { worst with Analytic = analytic.[0, 0]; Numerical = numerical.[0, 0] }
        for i in 0 .. analytic.RowCount - 1 do
            for j in 0 .. analytic.ColumnCount - 1 do
                let a, n = analytic.[i, j], numerical.[i, j]
                let e = relativeError tiny a n
                let e = if Double.IsNaN e then Double.PositiveInfinity else e
                if e > worst.MaxRelativeError then
                    worst <- { MaxRelativeError = e; Row = i; Column = j; Analytic = a; Numerical = n }
        worst
