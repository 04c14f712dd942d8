using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>The kind of a layer.</summary>
public enum LayerKind
{
    /// <summary>A fully connected layer A = g(X·W + 1·b).</summary>
    Dense,
    /// <summary>A maxout layer A = max_j (X·W_j + 1·b_j).</summary>
    Maxout,
    /// <summary>Inverted dropout (identity at inference).</summary>
    Dropout,
}
