using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>A named parameter matrix (or its gradient): biases are 1×units, PReLU's α is 1×1.</summary>
public sealed class Parameter
{
    private readonly double[,] _values;

    internal Parameter(string name, double[,] values)
    {
        Name = name;
        _values = values;
    }

    /// <summary>The name, e.g. "layer 0 W", "layer 0 b", "layer 1 alpha", "layer 2 W[1]".</summary>
    public string Name { get; }

    /// <summary>A copy of the values.</summary>
    public double[,] Values => (double[,])_values.Clone();

    /// <summary>Rows of the matrix.</summary>
    public int RowCount => _values.GetLength(0);

    /// <summary>Columns of the matrix.</summary>
    public int ColumnCount => _values.GetLength(1);
}
