namespace Hybrid;

/// <summary>
/// ∂J/∂θ of a layer kind without a gradient type of its own (layer normalisation's γ and β), one
/// array per named parameter, in the layer's parameter order (course items S16, S25).
/// </summary>
public sealed class NamedGradient : LayerGradient
{
    private readonly string[] _names;
    private readonly double[][,] _values;

    internal NamedGradient(int layer, string[] names, double[][,] values) : base(layer)
    {
        _names = names;
        _values = values;
    }

    /// <summary>The parameters' names inside the layer ("gamma", "beta"), in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>A copy of the gradient of the parameter named <paramref name="name"/> (the parameter's shape; a bias-like row is 1×units).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>A new array.</returns>
    /// <exception cref="ArgumentException">The layer has no parameter of that name.</exception>
    public double[,] Values(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int i = Array.IndexOf(_names, name);
        if (i < 0) throw new ArgumentException($"The layer has no parameter \"{name}\"; it has {string.Join(", ", _names)}.", nameof(name));
        return (double[,])_values[i].Clone();
    }
}
