namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Principal component analysis fitted on a training set (S30): its mean, its principal
/// directions and the variance along each.
type Pca =
    { /// Column means μ, 1×d.
      Mean: Matrix<float>
      /// The kept principal directions as columns, d×k: orthonormal, ordered by decreasing
      /// variance, each with its largest-magnitude entry positive (a fixed sign).
      Components: Matrix<float>
      /// The variance λ_j along every direction j = 1..d (the eigenvalues of the covariance,
      /// decreasing, tiny negative rounding clamped to 0); the first k belong to Components.
      Variances: float[] }

/// Decorrelation (PCA) and whitening (S30), as in cs231n's notes:
///     Xc = X − 1·μ,  C = XcᵀXc / n  (population covariance, as Data.fit's std),
///     C = V·diag(λ)·Vᵀ with λ₁ ≥ … ≥ λ_d (symmetric eigendecomposition, MathNet's Evd),
///     decorrelate:  Z = Xc·V_k                      (cov(Z) = diag(λ₁..λ_k))
///     whiten:       Z = Xc·V_k·diag(1/√(λ_j + ε))   (cov(Z) = diag(λ_j / (λ_j + ε)) ≈ I)
/// Shapes: X n×d, V_k d×k, Z n×k. Fit on the training set, apply unchanged to other sets.
/// Course: S30. Checked by: PcaProperties (properties/): "S30 / PCA / components are orthonormal
/// and ordered by variance", "S30 / PCA / each component's largest-magnitude entry is positive",
/// "S30 / PCA / decorrelated training data has covariance diag(λ)",
/// "S30 / whitening / whitened training data has identity covariance", "S30 / PCA / a fitted
/// transform applies unchanged to another set", "S30 / PCA / the inverse round-trips";
/// tests/Hybrid.Tests PreprocessorTests "Pca_of_a_hand_computed_2x2_case",
/// "Whitening_of_the_hand_computed_case_divides_each_component_by_its_standard_deviation".
module Pca =

    /// Fits μ, V and λ on X (n ≥ 1 rows, finite), keeping all d components. Cost: n·d² for C and
    /// d³ for the eigendecomposition.
    let fit (X: Matrix<float>) : Pca =
        Shape.nonEmpty "X" X
        Shape.finite "X" X
        let mean = Mat.meanRows X
        let Xc = Mat.addRow X (-mean)
        let C0 = Mat.mulTN Xc Xc / float X.RowCount
        let C = Mat.symmetricPart C0
        let evd = C.Evd(Symmetricity.Symmetric)
        let d = X.ColumnCount
        let order = Array.init d id |> Array.sortBy (fun j -> -evd.EigenValues.[j].Real)
        let V = Mat.init d d (fun i j -> evd.EigenVectors.[i, order.[j]])
        // Fix each direction's sign: its largest-magnitude entry (the first on ties) is positive.
        for j in 0 .. d - 1 do
            let col = V.Column j
            if col.[col.AbsoluteMaximumIndex()] < 0.0 then V.SetColumn(j, -col)
        { Mean = mean
          Components = V
          Variances = order |> Array.map (fun j -> max 0.0 evd.EigenValues.[j].Real) }

    /// The number of components k whose variance share reaches `share` ∈ (0, 1]: the smallest k
    /// with Σ_{j≤k} λ_j ≥ share·Σ_j λ_j (1 if every λ is 0).
    let componentsFor (share: float) (p: Pca) : int =
        if not (share > 0.0 && share <= 1.0) then Shape.fail "share" (sprintf "share must lie in (0, 1] but is %g." share)
        let total = Array.sum p.Variances
        if total <= 0.0 then 1
        else
            let cumulative = Array.scan (+) 0.0 p.Variances
            // Rounding may leave the full sum a hair below share·total for share = 1.
            let k = Array.tryFindIndex (fun c -> c >= share * total * (1.0 - 1e-12)) cumulative.[1..]
            (defaultArg k (p.Variances.Length - 1)) + 1

    /// The first k components (1 ≤ k ≤ the number kept).
    let keep (k: int) (p: Pca) : Pca =
        if k < 1 || k > p.Components.ColumnCount then
            Shape.fail "components" (sprintf "components must lie in 1..%d (the number of features) but is %d." p.Components.ColumnCount k)
        { p with Components = Mat.leftColumns k p.Components }

    /// Decorrelation Z = (X − 1·μ)·V_k. Shapes: X n×d -> n×k.
    let project (p: Pca) (X: Matrix<float>) : Matrix<float> =
        Shape.columns "X" p.Mean.ColumnCount X
        Mat.mul (Mat.addRow X (-p.Mean)) p.Components

    /// The inverse of project on the kept subspace: X̂ = Z·V_kᵀ + 1·μ (exact for k = d; for k < d
    /// the projection of X onto the subspace). Shapes: Z n×k -> n×d.
    let reconstruct (p: Pca) (Z: Matrix<float>) : Matrix<float> =
        Shape.columns "Z" p.Components.ColumnCount Z
        Mat.addRow (Mat.mulNT Z p.Components) p.Mean

    /// The whitening scale 1/√(λ_j + ε) of each kept component; ε ≥ 0, and every kept λ_j + ε > 0.
    let private scales (epsilon: float) (p: Pca) : float[] =
        Shape.nonNegative "epsilon" epsilon
        Array.init p.Components.ColumnCount (fun j ->
            let v = p.Variances.[j] + epsilon
            if v <= 0.0 then
                Shape.fail "epsilon" (sprintf "component %d has variance 0, so whitening with epsilon = 0 would divide by zero: keep fewer components or give epsilon > 0." (j + 1))
            1.0 / Math.Sqrt v)

    /// Whitening Z = (X − 1·μ)·V_k·diag(1/√(λ_j + ε)). Shapes: X n×d -> n×k.
    let whiten (epsilon: float) (p: Pca) (X: Matrix<float>) : Matrix<float> =
        let s = scales epsilon p
        Mat.scaleColumns s (project p X)

    /// The inverse of whiten: X̂ = Z·diag(√(λ_j + ε))·V_kᵀ + 1·μ. Shapes: Z n×k -> n×d.
    let unwhiten (epsilon: float) (p: Pca) (Z: Matrix<float>) : Matrix<float> =
        let s = scales epsilon p
        Shape.columns "Z" s.Length Z
        reconstruct p (Mat.divideColumns s Z)
