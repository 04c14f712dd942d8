using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>A description of one layer of a <see cref="Network"/>.</summary>
public sealed class LayerInfo
{
    internal LayerInfo(LayerKind kind, int inputs, int units, Activation? activation, int pieces, double dropoutRate, int parameterCount)
    {
        Kind = kind;
        Inputs = inputs;
        Units = units;
        Activation = activation;
        Pieces = pieces;
        DropoutRate = dropoutRate;
        ParameterCount = parameterCount;
    }

    /// <summary>The kind of layer.</summary>
    public LayerKind Kind { get; }

    /// <summary>Input width.</summary>
    public int Inputs { get; }

    /// <summary>Output width.</summary>
    public int Units { get; }

    /// <summary>The activation of a dense layer (with PReLU's current α); null otherwise.</summary>
    public Activation? Activation { get; }

    /// <summary>The number of weight matrices: the linear pieces of a maxout layer, 1 for dense, 0 for a layer without weights (dropout, layer normalisation).</summary>
    public int Pieces { get; }

    /// <summary>The drop probability of a dropout layer (0 otherwise).</summary>
    public double DropoutRate { get; }

    /// <summary>Trainable parameters of this layer.</summary>
    public int ParameterCount { get; }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        LayerKind.Dense => $"Dense({Units}, {Activation})",
        LayerKind.Maxout => $"Maxout({Units}, pieces={Pieces})",
        LayerKind.Dropout => $"Dropout({DropoutRate})",
        _ => $"{Kind}({Units})",
    };
}
