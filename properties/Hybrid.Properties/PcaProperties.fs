/// Laws of PCA and whitening (S30): the fitted directions, the covariance after the transform,
/// fit-on-one-apply-to-another, and the inverses.
module Hybrid.Properties.PcaProperties

open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core
open Hybrid.Properties.Generators

/// A training set X (n×d, n ≥ 2) with columns of different scales, so variances differ.
let private dataSet : Gen<Matrix<float>> =
    gen {
        let! d = dim 6
        let! n = Gen.choose (2, 30)
        let! X = matrix 1.0 n d
        let! scales = Gen.arrayOfLength d (floatIn 0.1 10.0)
        return X.MapIndexed(fun _ j x -> x * scales.[j])
    }

/// The population covariance of Z's columns, computed from its definition (not by the code under test).
let private covariance (Z: Matrix<float>) : Matrix<float> =
    let n = float Z.RowCount
    let mean = Z.ColumnSums() / n
    let C = Z.Clone()
    for j in 0 .. Z.ColumnCount - 1 do C.SetColumn(j, Z.Column(j) - mean.[j])
    C.TransposeThisAndMultiply(C) / n

let private scaleOf (p: Pca) = max 1.0 p.Variances.[0]

/// The number of leading components with λ_j ≥ 1e-3·λ₁ (the well-conditioned ones; at least 1).
let private wellConditioned (p: Pca) =
    max 1 (p.Variances |> Array.takeWhile (fun v -> v >= 1e-3 * p.Variances.[0] && v > 0.0) |> Array.length)

let private law1 =
    Spec.property "S30 / PCA / components are orthonormal and ordered by variance" dataSet (fun X ->
        let p = Pca.fit X
        let d = X.ColumnCount
        Tolerance.expectClose "VᵀV" Tolerance.decomposition (Matrix<float>.Build.DenseIdentity d) (p.Components.TransposeThisAndMultiply p.Components)
        p.Variances |> Array.pairwise |> Array.iter (fun (a, b) -> if b > a then failwithf "variances not decreasing: %g then %g" a b)
        // V·diag(λ)·Vᵀ is the covariance: the directions and their variances belong together.
        let C = covariance X
        let rebuilt = p.Components * Matrix<float>.Build.DenseOfDiagonalArray p.Variances * p.Components.Transpose()
        Tolerance.expectClose "V·diag(λ)·Vᵀ vs cov(X)" Tolerance.decomposition (C / scaleOf p) (rebuilt / scaleOf p))

let private law2 =
    Spec.property "S30 / PCA / decorrelated training data has covariance diag(λ)" dataSet (fun X ->
        let p = Pca.fit X
        let Z = Pca.project p X
        Tolerance.expectClose "cov(Z)" Tolerance.decomposition
            (Matrix<float>.Build.DenseOfDiagonalArray p.Variances / scaleOf p) (covariance Z / scaleOf p))

let private law3 =
    let case = gen { let! X = dataSet in let! eps = Gen.elements [ 0.0; 1e-5; 0.1; 1.0 ] in return X, eps }
    Spec.property "S30 / whitening / whitened training data has identity covariance" case (fun (X, eps) ->
        let full = Pca.fit X
        let p = Pca.keep (wellConditioned full) full
        let Z = Pca.whiten eps p X
        // cov(Z) = diag(λ_j / (λ_j + ε)): the identity for ε = 0, within ε/λ_j of it otherwise.
        let expected = Matrix<float>.Build.DenseOfDiagonalArray(Array.init p.Components.ColumnCount (fun j -> p.Variances.[j] / (p.Variances.[j] + eps)))
        Tolerance.expectClose "cov(whitened)" Tolerance.whitening expected (covariance Z))

let private law4 =
    let case = gen { let! A = dataSet in let! B = matrix 5.0 3 A.ColumnCount in let! eps = floatIn 0.0 1.0 in return A, B, eps }
    Spec.property "S30 / PCA / a fitted transform applies unchanged to another set" case (fun (A, B: Matrix<float>, eps) ->
        let p = Pca.fit A
        let d = A.ColumnCount
        // z_ij = Σ_l (B_il − μ_l)·V_lj with μ and V from A, written out entry by entry.
        let expected = Matrix<float>.Build.Dense(B.RowCount, d, fun i j -> Seq.sum (seq { for l in 0 .. d - 1 -> (B.[i, l] - p.Mean.[0, l]) * p.Components.[l, j] }))
        Tolerance.expectClose "project B" Tolerance.rounding expected (Pca.project p B)
        let pw = Pca.keep (wellConditioned p) p
        let expectedW = Matrix<float>.Build.Dense(B.RowCount, pw.Components.ColumnCount, fun i j -> expected.[i, j] / sqrt (p.Variances.[j] + eps))
        Tolerance.expectClose "whiten B" Tolerance.decomposition expectedW (Pca.whiten eps pw B))

let private law5 =
    let case = gen { let! X = dataSet in let! eps = floatIn 0.0 1.0 in let! Y = matrix 5.0 4 X.ColumnCount in return X, eps, Y }
    Spec.property "S30 / PCA / the inverse round-trips" case (fun (X, eps, Y) ->
        let p = Pca.fit X
        // All d components: back to the original rows, for PCA, whitening and standardising.
        Tolerance.expectClose "reconstruct ∘ project" Tolerance.decomposition Y (Pca.reconstruct p (Pca.project p Y))
        let pw = Pca.keep (wellConditioned p) p
        if pw.Components.ColumnCount = X.ColumnCount then
            Tolerance.expectClose "unwhiten ∘ whiten" Tolerance.whitening Y (Pca.unwhiten (max eps 1e-12) pw (Pca.whiten (max eps 1e-12) pw Y))
        let s = Data.fit X
        Tolerance.expectClose "unstandardize ∘ standardize" Tolerance.rounding Y (Data.unstandardize s (Data.standardize s Y))
        // k < d components: projecting a reconstruction gives the same coordinates back.
        let k = max 1 (X.ColumnCount - 1)
        let pk = Pca.keep k p
        let Z = Pca.project pk Y
        Tolerance.expectClose "project ∘ reconstruct" Tolerance.decomposition Z (Pca.project pk (Pca.reconstruct pk Z)))

/// The documented sign: in every column of V the entry of largest magnitude is positive, so the
/// largest entry equals the largest magnitude. Compared exactly: both sides read the same stored
/// entries, no arithmetic in between. (A "first entry positive" rule breaks this whenever the
/// largest-magnitude entry is another one of the opposite sign to the first.)
let private law6 =
    Spec.property "S30 / PCA / each component's largest-magnitude entry is positive" dataSet (fun X ->
        let p = Pca.fit X
        for j in 0 .. p.Components.ColumnCount - 1 do
            let col = p.Components.Column(j).ToArray()
            let largest = Array.max col
            let magnitude = col |> Array.map abs |> Array.max
            if largest <> magnitude then
                failwithf "component %d = %A: its largest-magnitude entry (%g) is negative." j col magnitude)

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list = [ law1; law2; law3; law4; law5; law6 ]
