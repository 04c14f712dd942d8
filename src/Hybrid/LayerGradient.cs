using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// The gradient ∂J/∂θ of one trainable layer (course items S16, S25): a <see cref="DenseGradient"/>
/// or a <see cref="MaxoutGradient"/>. Immutable; every array it hands out is a copy.
/// </summary>
public abstract class LayerGradient
{
    private protected LayerGradient(int layer) => Layer = layer;

    /// <summary>The 0-based index of the layer in <see cref="Network.Layers"/> (dropout layers count).</summary>
    public int Layer { get; }

    internal static LayerGradient FromCore(LayerGradientParts g) =>
        LayerKinds.FromCore(g.Kind) == LayerKind.Dense
            ? new DenseGradient(g.LayerIndex, g.Weights[0].ToArray(), g.Biases[0].Row(0).ToArray(), g.Alpha)
            : new MaxoutGradient(g.LayerIndex, g.Weights.Select(w => w.ToArray()).ToArray(), g.Biases.Select(b => b.Row(0).ToArray()).ToArray());
}
