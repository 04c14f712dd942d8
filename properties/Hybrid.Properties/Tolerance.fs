/// Named tolerances for comparing floating-point results, each with the reason for its value.
module Hybrid.Properties.Tolerance

/// Step for central differences: f′(x) ≈ (f(x+h) − f(x−h)) / 2h. Its truncation error is
/// h²·|f‴|/6 ≈ 1e-10·|f‴|, its rounding error ≈ ε·|f|/h ≈ 1e-11·|f| (ε ≈ 2.2e-16): both far
/// below the tolerances below for the well-conditioned ranges the generators produce.
let h = 1e-5

/// Floor of the denominator in |a − n| / max(|a|, |n|, tiny). A central difference carries an
/// absolute rounding noise of about ε·|f|/h ≈ 2.2e-16·|f|/1e-5 ≈ 2e-11·|f|: for the losses
/// generated here (|f| up to ~50) that is up to ~1e-9. An entry whose true derivative is
/// smaller than that noise cannot be compared relatively; below `tiny` the comparison becomes
/// absolute at tiny·gradient = 1e-9. Measured: with tiny = 1e-7, entries near 1e-6 showed
/// relative errors of 1e-5..2e-5 from this noise alone.
let tiny = 1e-4

/// Relative-error bound for analytic vs numerical gradients. With the errors above (≲1e-9
/// absolute, ≲1e-9 relative for entries of order 1) 1e-5 leaves a margin against noise, yet a
/// wrong derivative (a missing factor, a sign, a dropped term) gives errors of order 1e-2..1.
let gradient = 1e-5

/// Entry-wise bound for results that should be equal up to rounding (a few ulps of values of
/// order 1 after sums of at most a few hundred terms).
let rounding = 1e-10

/// Entry-wise bound (relative above 1, absolute below) between the fast training path and the
/// reference path after training. The fast path computes every entry with the same operations
/// in the same order as the reference (FastTraining, Kernels); the only allowed difference is the
/// order of long sums: products (Backend.Gemm's blocking), column sums, loss totals (the reference
/// sums in MathNet's column-major order, the fast path row by row, and the validation loss in
/// chunks of one batch). One reordered sum of m terms of size s differs by about m·ε·s
/// (ε ≈ 2.2e-16): ~1e-14 for the generated sizes (m ≤ 9 rows, widths ≤ 4, entries of order 1).
/// Each step feeds the difference back through the next gradient, so after k ≤ 27 steps (3 epochs
/// of up to 9 batches) it grows by at most (1 + η·L)^k with η ≤ 0.1 and a curvature L of order 1-10
/// for these networks; AdaGrad, RMSProp and Adam divide by √s + ε and so can amplify an absolute
/// gradient difference δ up to η·δ/ε with ε as small as 1e-8 (δ ~ 1e-16 -> 1e-9·η). 1e-8 covers
/// both with margin; a real slip (a dropped bias correction, a misaligned dropout mask, a missing
/// L2 term, a wrong η) moves parameters by 1e-4..1.
let fastPath = 1e-8

/// Whether |a − b| ≤ tol·max(1, |a|, |b|): absolute near zero, relative for large values.
let close (tol: float) (a: float) (b: float) : bool =
    abs (a - b) <= tol * max 1.0 (max (abs a) (abs b))

/// Asserts that an analytic gradient matches a numerical one within `gradient`; on failure the
/// message names what was checked and where the worst entry is.
let expectGradient (what: string) (analytic: MathNet.Numerics.LinearAlgebra.Matrix<float>) (numerical: MathNet.Numerics.LinearAlgebra.Matrix<float>) : unit =
    let c = Hybrid.Core.Numerical.check tiny analytic numerical
    if not (c.MaxRelativeError <= gradient) then
        failwithf "%s: analytic and numerical gradients differ: relative error %g at (%d, %d): analytic %g, numerical %g."
            what c.MaxRelativeError c.Row c.Column c.Analytic c.Numerical

/// Asserts that two matrices of the same shape agree entry by entry within `tol` (see close).
let expectClose (what: string) (tol: float) (expected: MathNet.Numerics.LinearAlgebra.Matrix<float>) (actual: MathNet.Numerics.LinearAlgebra.Matrix<float>) : unit =
    if expected.RowCount <> actual.RowCount || expected.ColumnCount <> actual.ColumnCount then
        failwithf "%s: shapes differ: expected %d×%d, got %d×%d." what expected.RowCount expected.ColumnCount actual.RowCount actual.ColumnCount
    for i in 0 .. expected.RowCount - 1 do
        for j in 0 .. expected.ColumnCount - 1 do
            if not (close tol expected.[i, j] actual.[i, j]) then
                failwithf "%s: entry (%d, %d) differs: expected %.17g, got %.17g (tolerance %g)." what i j expected.[i, j] actual.[i, j] tol

/// Bound for a matrix product against a reference that sums the same terms in another order
/// (OpenBLAS's blocking, MathNet's, the naive loop's separate multiply and add against the managed
/// kernel's fused multiply-add). Summation order is the only difference. Each way of summing
/// k products has an error of at most γ_k·Σ_p |a_ip·b_pj| with γ_k = k·ε/(1 − k·ε), ε = 2⁻⁵³
/// (Higham, Accuracy and Stability of Numerical Algorithms, §3.1); two of them differ by at most
/// twice that. The generated products have k ≤ 300 (γ_k ≈ 3.3e-14), so 1e-12 relative to
/// max(1, Σ_p |a_ip·b_pj| + |C_ij|) is a 15× margin, while a wrong term (a dropped row, a
/// shifted column, a missed accumulation) moves an entry by ~|a·b| ≈ 0.1..1 of that scale.
let product = 1e-12

/// Bound for results of a symmetric eigendecomposition (PCA), relative to the largest variance
/// λ₁ (or 1 if smaller): MathNet's Evd is backward stable, so eigenvectors are orthonormal and
/// V·diag(λ)·Vᵀ reproduces the covariance to a few hundred ulps of λ₁ for the d ≤ 6 generated
/// here (measured ≲ 1e-13); 1e-9 leaves a wide margin, yet a wrong sign, order or scale errs by ≥ 1e-2.
let decomposition = 1e-9

/// Bound for whitened covariances, |cov(Z) − diag(λ/(λ + ε))|. Dividing by √λ_j amplifies the
/// eigendecomposition's absolute error (≈ 1e-15·λ₁) by λ₁/λ_j; the laws keep only components
/// with λ_j ≥ 1e-3·λ₁, so the error stays below ~1e-11; 1e-7 leaves a margin.
let whitening = 1e-7

/// Entry-wise bound between log-softmax and the log of softmax for logits within ±15. Both shift by
/// the row max m; log-softmax rounds (z − m) and log Σ e^(z − m) once each (absolute error ≲ 2ε·30 ≈
/// 1.3e-14 for |z − m| ≤ 30), while log(softmax) takes the log of p = e^(z − m)/s, each rounded to
/// a few ulps relatively, so its log errs by a few ε absolutely. 1e-12 covers both with a 50×
/// margin; a missing shift, a dropped log or a wrong row sum errs by ≥ 1e-3.
let logSoftmax = 1e-12
