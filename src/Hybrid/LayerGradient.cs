using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// The gradient ∂J/∂θ of one trainable layer (course items S16, S25): a <see cref="DenseGradient"/>,
/// a <see cref="MaxoutGradient"/>, or a <see cref="NamedGradient"/> for the other kinds (layer
/// normalisation). Immutable; every array it hands out is a copy.
/// </summary>
public abstract class LayerGradient
{
    private protected LayerGradient(int layer) => Layer = layer;

    /// <summary>The 0-based index of the layer in <see cref="Network.Layers"/> (dropout layers count).</summary>
    public int Layer { get; }

    internal static LayerGradient FromCore(LayerGradientParts g) => LayerKinds.FromCore(g.Kind) switch
    {
        LayerKind.Dense => new DenseGradient(g.LayerIndex, g.Weights[0].ToArray(), g.Biases[0].Row(0).ToArray(), g.Alpha),
        LayerKind.Maxout => new MaxoutGradient(g.LayerIndex, g.Weights.Select(w => w.ToArray()).ToArray(), g.Biases.Select(b => b.Row(0).ToArray()).ToArray()),
        _ => new NamedGradient(g.LayerIndex, g.Names, g.Values.Select(v => v.ToArray()).ToArray()),
    };
}
