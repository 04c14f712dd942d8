using Hybrid.Core.Interop;
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
    /// <summary>Layer normalisation A = γ ⊙ (x − μ)/√(σ² + ε) + β, per example.</summary>
    LayerNorm,

    /// <summary>A layer of your own (<see cref="LayerDefinition"/>; docs/extending.md).</summary>
    Custom,
}

/// <summary>
/// The one mapping from the core's layer kinds (the layer registry, <c>Hybrid.Core.Layers.all</c>) to
/// the public <see cref="LayerKind"/>: a kind's registry name ("dense") is the enum member's name in
/// lower case, so adding a layer kind adds one member here. LayerKindTests walk every kind of the
/// registry.
/// </summary>
internal static class LayerKinds
{
    /// <summary>The public kind of the core layer kind named <paramref name="coreKind"/> ("dense", "maxout", "dropout").</summary>
    /// <exception cref="InvalidOperationException">The core has a kind this enum does not name.</exception>
    internal static LayerKind FromCore(string coreKind) =>
        Enum.TryParse<LayerKind>(coreKind, ignoreCase: true, out var kind) && kind != LayerKind.Custom && string.Equals(kind.ToString(), coreKind, StringComparison.OrdinalIgnoreCase)
            ? kind
            : Networks.IsUserLayerKind(coreKind) ? LayerKind.Custom
            : throw new InvalidOperationException($"the core's layer kind {coreKind} has no public LayerKind.");
}
