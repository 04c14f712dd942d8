using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>A user's activation struct as the core's loops call it: both members forwarded, so the JIT inlines through.</summary>
internal readonly struct ActivationAdapter<TFunction> : IScalarActivation where TFunction : struct, IActivationFunction
{
    public double Value(double z) => default(TFunction).Value(z);
    public double Derivative(double z, double a) => default(TFunction).Derivative(z, a);
}

/// <summary>A user's loss struct as the core's fast path calls it.</summary>
internal readonly struct LossAdapter<TFunction> : IBatchLoss where TFunction : struct, ILossFunction
{
    public double Value(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, int rows, int columns) =>
        default(TFunction).Value(predictions, targets, rows, columns);
    public void Gradient(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, Span<double> gradient, int rows, int columns) =>
        default(TFunction).Gradient(predictions, targets, gradient, rows, columns);
}
