using MathNet.Numerics.LinearAlgebra;

namespace Hybrid;

/// <summary>
/// The math of your own layer (course items S14–S17; docs/extending.md): its output width, its forward pass and its
/// backward pass on matrices with one example per row, the parameters in the order you declared them in
/// <see cref="LayerDefinition.Create"/>. Hybrid checks the shapes of what it returns, and <see cref="Verification"/> checks
/// every gradient against central differences.
/// </summary>
public interface ILayerFunction
{
    /// <summary>The output width for an input of <paramref name="inputWidth"/> columns and these parameters.</summary>
    /// <param name="inputWidth">d_in.</param>
    /// <param name="parameters">The parameters.</param>
    /// <returns>d_out (at least 1).</returns>
    /// <exception cref="ArgumentException">The parameters' shapes do not fit the input.</exception>
    int OutputWidth(int inputWidth, IReadOnlyList<Matrix<double>> parameters);

    /// <summary>A = f(X; parameters).</summary>
    /// <param name="x">X, n×d_in.</param>
    /// <param name="parameters">The parameters.</param>
    /// <returns>A, n×d_out.</returns>
    Matrix<double> Forward(Matrix<double> x, IReadOnlyList<Matrix<double>> parameters);

    /// <summary>The gradients from dA = ∂L/∂A: one per parameter, each in its parameter's shape, and dX = ∂L/∂X.</summary>
    /// <param name="x">The forward's X.</param>
    /// <param name="output">The forward's A.</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="outputGradient">dA, n×d_out.</param>
    /// <returns>The gradients.</returns>
    LayerGradients Backward(Matrix<double> x, Matrix<double> output, IReadOnlyList<Matrix<double>> parameters, Matrix<double> outputGradient);
}

/// <summary>What <see cref="ILayerFunction.Backward"/> returns: each parameter's gradient, and the input's.</summary>
public sealed class LayerGradients
{
    /// <summary>The gradients.</summary>
    /// <param name="parameterGradients">∂L/∂θ for each parameter θ, in the parameters' order and shapes.</param>
    /// <param name="inputGradient">dX = ∂L/∂X, X's shape.</param>
    /// <exception cref="ArgumentException">An argument is null.</exception>
    public LayerGradients(IReadOnlyList<Matrix<double>> parameterGradients, Matrix<double> inputGradient)
    {
        ArgumentNullException.ThrowIfNull(parameterGradients);
        ArgumentNullException.ThrowIfNull(inputGradient);
        ParameterGradients = parameterGradients;
        InputGradient = inputGradient;
    }

    /// <summary>∂L/∂θ for each parameter θ, in the parameters' order and shapes.</summary>
    public IReadOnlyList<Matrix<double>> ParameterGradients { get; }

    /// <summary>dX = ∂L/∂X, X's shape.</summary>
    public Matrix<double> InputGradient { get; }
}
