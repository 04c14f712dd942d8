namespace Hybrid;

/// <summary>∂J/∂W, ∂J/∂b (and ∂J/∂α for PReLU) of a dense layer A = g(X·W + 1·b) (course items S16, S25).</summary>
public sealed class DenseGradient : LayerGradient
{
    private readonly double[,] _weights;
    private readonly double[] _biases;

    internal DenseGradient(int layer, double[,] weights, double[] biases, double? alpha) : base(layer)
    {
        _weights = weights;
        _biases = biases;
        Alpha = alpha;
    }

    /// <summary>A copy of ∂J/∂W, inputs×units (the shape of <see cref="Network.GetWeights"/>).</summary>
    public double[,] Weights => (double[,])_weights.Clone();

    /// <summary>A copy of ∂J/∂b, one value per unit (the shape of <see cref="Network.GetBiases"/>).</summary>
    public double[] Biases => (double[])_biases.Clone();

    /// <summary>∂J/∂α for a PReLU layer; null for every other activation.</summary>
    public double? Alpha { get; }
}
