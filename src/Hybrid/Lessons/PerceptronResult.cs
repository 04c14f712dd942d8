namespace Hybrid.Lessons;

/// <summary>The outcome of <see cref="Perceptron.Fit"/>.</summary>
public sealed class PerceptronResult
{
    internal PerceptronResult(Core.PerceptronFit fit)
    {
        Weights = LessonArguments.ReadOnly(fit.Neuron.W);
        Bias = fit.Neuron.B;
        MistakesPerEpoch = LessonArguments.ReadOnly(fit.MistakesPerEpoch);
        Converged = fit.Converged;
        TotalMistakes = fit.TotalMistakes;
    }

    /// <summary>The trained weights.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>The trained bias.</summary>
    public double Bias { get; }

    /// <summary>The number of updates (mistakes) in each epoch; its length is the number of epochs run.</summary>
    public IReadOnlyList<int> MistakesPerEpoch { get; }

    /// <summary>The number of epochs run.</summary>
    public int Epochs => MistakesPerEpoch.Count;

    /// <summary>The mistakes of the whole run (the k of Novikoff's bound k ≤ (R/γ)²).</summary>
    public int TotalMistakes { get; }

    /// <summary>Whether the last epoch made no mistake: the training data are separated.</summary>
    public bool Converged { get; }
}
