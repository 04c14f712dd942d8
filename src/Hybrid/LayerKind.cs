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

/// <summary>
/// The one mapping from the core's <c>Hybrid.Core.Layer</c> cases to the public <see cref="LayerKind"/>.
/// The core's case arrives by name (<c>LayerParts.Kind</c>) and is matched with <c>nameof</c>, so a
/// renamed core case does not compile; LayerKindTests walk every core case.
/// </summary>
internal static class LayerKinds
{
    /// <summary>The public kind of the core Layer case named <paramref name="coreCase"/>.</summary>
    /// <exception cref="InvalidOperationException">The core has a case this mapping does not know.</exception>
    internal static LayerKind FromCore(string coreCase) => coreCase switch
    {
        nameof(Core.Layer.DenseLayer) => LayerKind.Dense,
        nameof(Core.Layer.MaxoutLayer) => LayerKind.Maxout,
        nameof(Core.Layer.DropoutLayer) => LayerKind.Dropout,
        _ => throw new InvalidOperationException($"the core's layer {coreCase} has no public LayerKind."),
    };
}
