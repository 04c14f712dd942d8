using Hybrid.Core.Interop;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid;

/// <summary>
/// Your own layer (course items S14–S17; docs/extending.md): its name, its math and its parameters' names. Add it to a
/// network with <see cref="NetworkBuilder.Layer(LayerDefinition, IReadOnlyList{Matrix{double}}, bool)"/>, which checks it
/// first; check it yourself with <see cref="Verification.Check(LayerDefinition, int, IReadOnlyList{Matrix{double}}, VerificationOptions?)"/>.
/// Models that hold it save its parameters under its name; loading needs it registered (<see cref="Register"/>).
/// </summary>
public sealed class LayerDefinition
{
    internal UserLayerDefinition Core { get; }

    private LayerDefinition(UserLayerDefinition core) => Core = core;

    /// <summary>Defines a layer.</summary>
    /// <param name="name">Its name in model files: ASCII letters, digits, '-', '_' and '.', at most 64 characters, not a built-in layer's.</param>
    /// <param name="function">Its math.</param>
    /// <param name="parameterNames">Its parameters' names, in the order the math takes them (e.g. "W", "b").</param>
    /// <param name="weights">The names among them that are weights, which L2 regularisation decays (default: none).</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">An argument is null, the name is not valid, a parameter name is empty or repeated, or a weight is not a parameter.</exception>
    public static LayerDefinition Create(string name, ILayerFunction function, IReadOnlyList<string> parameterNames, IReadOnlyList<string>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(parameterNames);
        return new(ExtendingLayers.Define(name, new LayerMathAdapter(function), parameterNames.ToArray(), weights?.ToArray() ?? []));
    }

    /// <summary>Its name in model files.</summary>
    public string Name => Core.Name;

    /// <summary>Its parameters' names, in order.</summary>
    public IReadOnlyList<string> ParameterNames => Core.ParameterNames;

    /// <summary>
    /// Registers it, so that <see cref="Network.Load(string)"/> reads models that hold it (adding it to a network registers it
    /// too). The same definition again does nothing.
    /// </summary>
    /// <exception cref="ArgumentException">Another definition is registered under its name.</exception>
    public void Register() => ExtendingLayers.Register(Core);

    internal static Matrix<double>[] Checked(IReadOnlyList<Matrix<double>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var ps = parameters.ToArray();
        for (int k = 0; k < ps.Length; k++)
            if (ps[k] is null) throw new ArgumentException($"parameter {k} is null.", nameof(parameters));
        return ps;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A user's layer math as the core calls it.</summary>
internal sealed class LayerMathAdapter(ILayerFunction function) : ILayerMath
{
    public int OutputWidth(int inputWidth, Matrix<double>[] parameters) => function.OutputWidth(inputWidth, parameters);

    public Matrix<double> Forward(Matrix<double> x, Matrix<double>[] parameters) => function.Forward(x, parameters);

    public Tuple<Matrix<double>[], Matrix<double>> Backward(Matrix<double> x, Matrix<double> output, Matrix<double>[] parameters, Matrix<double> outputGradient)
    {
        var g = function.Backward(x, output, parameters, outputGradient)
                ?? throw new InvalidOperationException("the layer's Backward returned null.");
        return Tuple.Create(g.ParameterGradients.ToArray(), g.InputGradient);
    }
}
