namespace Hybrid;

/// <summary>∂J/∂W_j and ∂J/∂b_j of each piece j of a maxout layer A = max_j (X·W_j + 1·b_j) (course item S25).</summary>
public sealed class MaxoutGradient : LayerGradient
{
    private readonly double[][,] _weights;
    private readonly double[][] _biases;

    internal MaxoutGradient(int layer, double[][,] weights, double[][] biases) : base(layer)
    {
        _weights = weights;
        _biases = biases;
    }

    /// <summary>The number of pieces k.</summary>
    public int Pieces => _weights.Length;

    /// <summary>A copy of ∂J/∂W_j, inputs×units (the shape of <see cref="Network.GetWeights"/> with piece j).</summary>
    /// <param name="piece">0 ≤ j &lt; <see cref="Pieces"/>.</param>
    /// <returns>A new array.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such piece.</exception>
    public double[,] Weights(int piece) => (double[,])_weights[Checked(piece)].Clone();

    /// <summary>A copy of ∂J/∂b_j, one value per unit (the shape of <see cref="Network.GetBiases"/> with piece j).</summary>
    /// <param name="piece">0 ≤ j &lt; <see cref="Pieces"/>.</param>
    /// <returns>A new array.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such piece.</exception>
    public double[] Biases(int piece) => (double[])_biases[Checked(piece)].Clone();

    private int Checked(int piece) =>
        piece >= 0 && piece < _weights.Length ? piece
            : throw new ArgumentOutOfRangeException(nameof(piece), piece, $"The layer has pieces 0..{_weights.Length - 1}.");
}
