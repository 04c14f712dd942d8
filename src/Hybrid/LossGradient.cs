namespace Hybrid;

/// <summary>A loss and the gradient of every parameter, from <see cref="Network.ComputeGradients"/>.</summary>
public sealed class LossGradient
{
    internal LossGradient(double loss, IReadOnlyList<Parameter> gradients, IReadOnlyList<LayerGradient> layers)
    {
        Loss = loss;
        Gradients = gradients;
        Layers = layers;
    }

    /// <summary>The loss J on the batch.</summary>
    public double Loss { get; }

    /// <summary>
    /// ∂J/∂θ per trainable layer, in layer order (dropout layers have none and are skipped; each
    /// entry's <see cref="LayerGradient.Layer"/> is its index in <see cref="Network.Layers"/>): a
    /// <see cref="DenseGradient"/> or a <see cref="MaxoutGradient"/>. Biases come out as
    /// <c>double[]</c>, the shape they go in with (<see cref="NetworkBuilder"/>, <see cref="Network.GetBiases"/>).
    /// </summary>
    public IReadOnlyList<LayerGradient> Layers { get; }

    /// <summary>
    /// The same gradients as one flat list of named matrices aligned with <see cref="Network.GetParameters"/>
    /// (biases as 1×units, α as 1×1): what a generic gradient check iterates over.
    /// </summary>
    public IReadOnlyList<Parameter> Gradients { get; }
}
