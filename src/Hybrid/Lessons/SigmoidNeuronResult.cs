namespace Hybrid.Lessons;

/// <summary>The outcome of <see cref="SigmoidNeuron.Fit"/>.</summary>
public sealed class SigmoidNeuronResult
{
    internal SigmoidNeuronResult(Core.SigmoidFit fit)
    {
        Weights = LessonArguments.ReadOnly(fit.Neuron.W);
        Bias = fit.Neuron.B;
        LossPerEpoch = LessonArguments.ReadOnly(fit.LossPerEpoch);
    }

    /// <summary>The trained weights.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>The trained bias.</summary>
    public double Bias { get; }

    /// <summary>The mean cross-entropy after each epoch.</summary>
    public IReadOnlyList<double> LossPerEpoch { get; }
}
