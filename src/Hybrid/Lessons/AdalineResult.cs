namespace Hybrid.Lessons;

/// <summary>The outcome of <see cref="Adaline.Fit"/> or <see cref="Adaline.FitBatch"/>.</summary>
public sealed class AdalineResult
{
    internal AdalineResult(Core.AdalineFit fit)
    {
        Weights = LessonArguments.ReadOnly(fit.Neuron.W);
        Bias = fit.Neuron.B;
        CostPerEpoch = LessonArguments.ReadOnly(fit.CostPerEpoch);
    }

    /// <summary>The trained weights.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>The trained bias.</summary>
    public double Bias { get; }

    /// <summary>J = ½·Σ (y − ŷ)² after each epoch.</summary>
    public IReadOnlyList<double> CostPerEpoch { get; }
}
