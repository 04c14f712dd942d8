namespace Hybrid.Core.Interop

open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// The core's data preparation (S24, S30, S32) for C#: one-hot targets, standardization, PCA and
/// whitening, k-fold assignment. Each member only calls the core function it names.
/// Checked by: DataSetTests, PreprocessorTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type DataPrep =
    /// Data.oneHot: row i has a 1 in column labels[i], n labels -> n×classes. Course: S24.
    static member OneHot(classes: int, labels: int[]) : Matrix<float> = Data.oneHot classes labels
    /// Data.oneHotRows: the same rows, row-major (n·classes values). Course: S24.
    static member OneHotRows(classes: int, labels: int[]) : float[] = Data.oneHotRows classes labels
    /// Data.fit: column means and population standard deviations of X, 1×d each (std 0 -> 1). Course: S30.
    static member FitStandardizer(X: Matrix<float>) : Standardizer = Data.fit X
    /// Data.standardize: Z = (X − 1·μ) ./ σ. Course: S30.
    static member Standardize(s: Standardizer, X: Matrix<float>) : Matrix<float> = Data.standardize s X
    /// Data.unstandardize: X = Z .* σ + 1·μ. Course: S30.
    static member Unstandardize(s: Standardizer, Z: Matrix<float>) : Matrix<float> = Data.unstandardize s Z
    /// Pca.fit: μ, V and λ of X, all d components. Course: S30.
    static member FitPca(X: Matrix<float>) : Pca = Pca.fit X
    /// Pca.componentsFor: the fewest k whose variances hold `share` of the total. Course: S30.
    static member ComponentsFor(share: float, p: Pca) : int = Pca.componentsFor share p
    /// Pca.keep: the first k components. Course: S30.
    static member Keep(k: int, p: Pca) : Pca = Pca.keep k p
    /// Pca.project: Z = Xc·V_k. Course: S30.
    static member Project(p: Pca, X: Matrix<float>) : Matrix<float> = Pca.project p X
    /// Pca.reconstruct: X = Z·V_kᵀ + 1·μ. Course: S30.
    static member Reconstruct(p: Pca, Z: Matrix<float>) : Matrix<float> = Pca.reconstruct p Z
    /// Pca.whiten: Z = Xc·V_k·diag(1/√(λ_j + ε)). Course: S30.
    static member Whiten(epsilon: float, p: Pca, X: Matrix<float>) : Matrix<float> = Pca.whiten epsilon p X
    /// Pca.unwhiten: the inverse of Whiten. Course: S30.
    static member Unwhiten(epsilon: float, p: Pca, Z: Matrix<float>) : Matrix<float> = Pca.unwhiten epsilon p Z
    /// Split.stratifiedFolds: the seeded fold of each row, every class dealt evenly. Course: S32.
    static member StratifiedFolds(seed: int, k: int, labels: int[]) : int[] = Split.stratifiedFolds seed k labels
    /// Split.folds: the seeded fold of each of n rows (fold of perm[i] is i mod k). Course: S32.
    static member Folds(seed: int, k: int, n: int) : int[] = Split.folds seed k n
