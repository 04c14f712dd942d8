using System.Collections.ObjectModel;
using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Data;

/// <summary>The kind of a fitted <see cref="Preprocessor"/>.</summary>
public enum PreprocessingKind
{
    /// <summary>The identity: features pass unchanged.</summary>
    None,
    /// <summary>Standardising: z_j = (x_j − mean_j) / std_j (S30).</summary>
    Standardize,
    /// <summary>Decorrelation by PCA: z = (x − μ)·V_k, the first k principal directions (S30).</summary>
    Pca,
    /// <summary>Whitening: z = (x − μ)·V_k·diag(1/√(λ_j + ε)) (S30).</summary>
    Whiten,
}
