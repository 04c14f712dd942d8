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
      Numerical: float
      /// Entries left out because their ±h step crosses a kink (NetworkCheck.check; 0 elsewhere).
      Excluded: int }

/// Numerical differentiation by central differences and gradient checking (S06, S26).
module Numerical =

    /// f′(x) ≈ (f(x + h) − f(x − h)) / 2h, the central difference (error O(h²)); the limit
    /// definition of S06 with a symmetric step. Course: S06.
    let derivative (h: float) (f: float -> float) (x: float) : float = (f (x + h) - f (x - h)) / (2.0 * h)

    /// The central difference of f at each entry of X, as `gradient`, where f also returns a "side"
    /// (which smooth piece of f the point lies on, e.g. the sign pattern of ReLU pre-activations):
    /// (∂f/∂X, whether the sides at X + h·e_ij and X − h·e_ij differ), the second marking the
    /// entries whose two steps straddle a kink, where the difference estimates no derivative.
    /// Course: S06, S26.
    let gradientAndSides (h: float) (f: Matrix<float> -> float * 'Side) (X: Matrix<float>) : Matrix<float> * bool[,] when 'Side: equality =
        Shape.notNull "X" X
        Shape.positive "h" h
        let G = Mat.zeros X.RowCount X.ColumnCount
        let straddles = Array2D.zeroCreate X.RowCount X.ColumnCount
        let Xh = X.Clone()
        for i in 0 .. X.RowCount - 1 do
            for j in 0 .. X.ColumnCount - 1 do
                let x = X.[i, j]
                Xh.[i, j] <- x + h
                let fPlus, sidePlus = f (Xh.Clone())
                Xh.[i, j] <- x - h
                let fMinus, sideMinus = f (Xh.Clone())
                Xh.[i, j] <- x
                G.[i, j] <- (fPlus - fMinus) / (2.0 * h)
                straddles.[i, j] <- sidePlus <> sideMinus
        G, straddles

    /// ∂f/∂X by central differences, one entry at a time (S26: perturb X_ij by ±h, evaluate,
    /// restore). X is never mutated from the caller's view: each evaluation gets a copy.
    /// Costs 2·rows·cols evaluations of f. Shapes: X r×c -> r×c. Course: S06, S26.
    let gradient (h: float) (f: Matrix<float> -> float) (X: Matrix<float>) : Matrix<float> =
        fst (gradientAndSides h (fun x -> f x, ()) X)

    /// The vector-Jacobian product ∂(Σ_ij U_ij·f(X)_ij)/∂X by central differences: what
    /// backward(dA = U) must return for a matrix function f (check with a random upstream
    /// gradient, never a full Jacobian). Course: S06, S12, S26.
    let vjp (h: float) (f: Matrix<float> -> Matrix<float>) (X: Matrix<float>) (U: Matrix<float>) : Matrix<float> =
        gradient h (fun x -> Mat.sum (Mat.hadamard U (f x))) X

    /// |a − n| / max(|a|, |n|, tiny): relative error with a floor `tiny` on the scale, so two
    /// values both near 0 are compared absolutely. Course: S26.
    let relativeError (tiny: float) (a: float) (n: float) : float =
        abs (a - n) / Math.Max(Math.Max(abs a, abs n), tiny)

    /// Gradient checking (S26) leaving out the entries marked in `excluded` (their count is
    /// Excluded): the worst entry-wise relative error between an analytic and a numerical gradient
    /// of the same shape among the others, and where it occurs. NaN counts as the worst (+∞).
    /// Course: S26.
    let checkExcluding (tiny: float) (analytic: Matrix<float>) (numerical: Matrix<float>) (excluded: bool[,]) : GradientCheck =
        Shape.same "analytic" analytic "numerical" numerical
        let mutable worst = { MaxRelativeError = 0.0; Row = 0; Column = 0; Analytic = nan; Numerical = nan; Excluded = 0 }
        if analytic.RowCount > 0 && analytic.ColumnCount > 0 then
            worst <- { worst with Analytic = analytic.[0, 0]; Numerical = numerical.[0, 0] }
        for i in 0 .. analytic.RowCount - 1 do
            for j in 0 .. analytic.ColumnCount - 1 do
                if excluded.[i, j] then worst <- { worst with Excluded = worst.Excluded + 1 }
                else
                    let a, n = analytic.[i, j], numerical.[i, j]
                    let e = relativeError tiny a n
                    let e = if Double.IsNaN e then Double.PositiveInfinity else e
                    if e > worst.MaxRelativeError then
                        worst <- { worst with MaxRelativeError = e; Row = i; Column = j; Analytic = a; Numerical = n }
        worst

    /// Gradient checking (S26): the worst entry-wise relative error between an analytic and a
    /// numerical gradient of the same shape, and where it occurs. NaN counts as the worst (+∞).
    /// Checked by: TrainingProperties "S26 / gradient check / a NaN in either gradient is the worst error (+∞), reported where it is".
    let check (tiny: float) (analytic: Matrix<float>) (numerical: Matrix<float>) : GradientCheck =
        checkExcluding tiny analytic numerical (Array2D.zeroCreate analytic.RowCount analytic.ColumnCount)
