using Hybrid.Core.Interop;

namespace Hybrid.Lessons;

/// <summary>
/// The sigmoid neuron (S03): ŷ = σ(w·x + b), binary cross-entropy
/// J = −(1/N)·Σ [y·ln ŷ + (1 − y)·ln(1 − ŷ)], batch gradient descent. The loss is computed from
/// the logit, so it stays finite where σ rounds to 0 or 1. Wraps <c>Hybrid.Core.SigmoidNeuron</c>.
/// </summary>
public sealed class SigmoidNeuron
{
    private Core.Neuron neuron;

    /// <summary>A sigmoid neuron with seeded random starting weights and bias, uniform in [−1, 1].</summary>
    /// <param name="inputCount">The number of inputs d (at least 1).</param>
    /// <param name="seed">The seed: the same seed gives the same starting point.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputCount"/> is less than 1.</exception>
    public SigmoidNeuron(int inputCount, int seed)
    {
        neuron = LessonArguments.RandomNeuron(inputCount, seed, 1.0);
    }

    /// <summary>A sigmoid neuron with the given starting weights and bias (copied).</summary>
    /// <param name="weights">The starting weights, one per input; finite and not empty.</param>
    /// <param name="bias">The starting bias; finite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weights"/> is empty or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bias"/> is not finite.</exception>
    public SigmoidNeuron(IReadOnlyList<double> weights, double bias)
    {
        neuron = LessonArguments.Neuron(weights, bias);
    }

    /// <summary>The number of inputs d.</summary>
    public int InputCount => neuron.W.Length;

    /// <summary>The current weights (a copy).</summary>
    public IReadOnlyList<double> Weights => LessonArguments.ReadOnly(neuron.W);

    /// <summary>The current bias.</summary>
    public double Bias => neuron.B;

    /// <summary>The output σ(w·x + b), a probability in [0, 1].</summary>
    /// <param name="input">One example with <see cref="InputCount"/> finite values.</param>
    /// <returns>σ(w·x + b).</returns>
    public double Predict(IReadOnlyList<double> input) =>
        Neurons.SigmoidPredict(neuron, LessonArguments.Vector(input, nameof(input), InputCount));

    /// <summary>The mean binary cross-entropy over a data set, computed from the logits.</summary>
    /// <param name="inputs">The examples, one row each.</param>
    /// <param name="targets">The targets in [0, 1], one per row.</param>
    /// <returns>J ≥ 0, always finite.</returns>
    public double Loss(IReadOnlyList<IReadOnlyList<double>> inputs, IReadOnlyList<double> targets)
    {
        var (x, y) = LessonArguments.Data(inputs, targets, InputCount);
        LessonArguments.ProbabilityTargets(y);
        return Neurons.SigmoidLoss(neuron, x, y);
    }

    /// <summary>
    /// The cross-entropy −[t·ln p + (1 − t)·ln(1 − p)] of one probability, with p clipped to
    /// [1e-12, 1 − 1e-12] (the core's one floor, Loss.epsilon) so that the slide's p = 0 or 1 gives a finite value (≈ 27.6 at most).
    /// </summary>
    /// <param name="probability">The predicted probability p in [0, 1].</param>
    /// <param name="target">The target t in [0, 1].</param>
    /// <returns>The loss of that prediction.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument lies outside [0, 1].</exception>
    public static double CrossEntropy(double probability, double target)
    {
        if (!(probability >= 0.0 && probability <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "probability must lie in [0, 1].");
        if (!(target >= 0.0 && target <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(target), target, "target must lie in [0, 1].");
        return Neurons.CrossEntropy(probability, target);
    }

    /// <summary>
    /// <paramref name="epochs"/> steps of batch gradient descent on the cross-entropy, recording J
    /// after each. This neuron's weights become the trained ones.
    /// </summary>
    /// <param name="inputs">The examples, one row each, <see cref="InputCount"/> values per row.</param>
    /// <param name="targets">The targets in [0, 1], one per row.</param>
    /// <param name="learningRate">The step η, greater than 0.</param>
    /// <param name="epochs">The number of steps, at least 1.</param>
    /// <returns>The trained weights and J after each epoch.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The data are empty, ragged, not finite, or a target lies outside [0, 1].</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> or <paramref name="epochs"/> is out of range.</exception>
    public SigmoidNeuronResult Fit(
        IReadOnlyList<IReadOnlyList<double>> inputs, IReadOnlyList<double> targets, double learningRate, int epochs)
    {
        var (x, y) = LessonArguments.Data(inputs, targets, InputCount);
        LessonArguments.ProbabilityTargets(y);
        LessonArguments.Positive(learningRate, nameof(learningRate));
        LessonArguments.AtLeastOne(epochs, nameof(epochs));
        var fit = Neurons.TrainSigmoid(learningRate, epochs, neuron, x, y);
        neuron = fit.Neuron;
        return new SigmoidNeuronResult(fit);
    }
}
