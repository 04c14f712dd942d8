using Hybrid.Core.Interop;

namespace Hybrid.Lessons;

/// <summary>
/// The perceptron of the course (S01): ŷ = step(w·x + b) with step(z) = 1 if z ≥ 0 else 0,
/// trained online by the perceptron rule w ← w + η(y − ŷ)x, b ← b + η(y − ŷ), which leaves the
/// weights unchanged when the prediction is right. Wraps <c>Hybrid.Core.Perceptron</c>.
/// </summary>
public sealed class Perceptron
{
    private Core.Neuron neuron;

    /// <summary>A perceptron with seeded random starting weights and bias, uniform in [−1, 1].</summary>
    /// <param name="inputCount">The number of inputs d (at least 1).</param>
    /// <param name="seed">The seed: the same seed gives the same starting point.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputCount"/> is less than 1.</exception>
    public Perceptron(int inputCount, int seed)
    {
        neuron = LessonArguments.RandomNeuron(inputCount, seed, 1.0);
    }

    /// <summary>A perceptron with the given starting weights and bias (copied).</summary>
    /// <param name="weights">The starting weights, one per input; finite and not empty.</param>
    /// <param name="bias">The starting bias; finite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weights"/> is empty or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bias"/> is not finite.</exception>
    public Perceptron(IReadOnlyList<double> weights, double bias)
    {
        neuron = LessonArguments.Neuron(weights, bias);
    }

    /// <summary>The number of inputs d.</summary>
    public int InputCount => neuron.W.Length;

    /// <summary>The current weights (a copy).</summary>
    public IReadOnlyList<double> Weights => LessonArguments.ReadOnly(neuron.W);

    /// <summary>The current bias.</summary>
    public double Bias => neuron.B;

    /// <summary>The predicted class step(w·x + b), 0 or 1.</summary>
    /// <param name="input">One example with <see cref="InputCount"/> finite values.</param>
    /// <returns>0 or 1.</returns>
    public double Predict(IReadOnlyList<double> input) =>
        Neurons.PerceptronPredict(neuron, LessonArguments.Vector(input, nameof(input), InputCount));

    /// <summary>The number of examples the perceptron misclassifies.</summary>
    /// <param name="inputs">The examples, one row each, <see cref="InputCount"/> values per row.</param>
    /// <param name="targets">The class labels, 0 or 1, one per row.</param>
    /// <returns>The number of rows with ŷ ≠ y.</returns>
    public int Errors(IReadOnlyList<IReadOnlyList<double>> inputs, IReadOnlyList<double> targets)
    {
        var (x, y) = LessonArguments.Data(inputs, targets, InputCount);
        LessonArguments.BinaryTargets(y);
        return Neurons.PerceptronErrors(neuron, x, y);
    }

    /// <summary>
    /// Trains online: each epoch visits the rows in order and applies the perceptron rule; stops
    /// after the first epoch without a mistake or after <paramref name="maxEpochs"/> epochs. This
    /// perceptron's weights become the trained ones.
    /// </summary>
    /// <param name="inputs">The examples, one row each, <see cref="InputCount"/> values per row.</param>
    /// <param name="targets">The class labels, 0 or 1, one per row.</param>
    /// <param name="learningRate">The step η, greater than 0.</param>
    /// <param name="maxEpochs">The largest number of epochs, at least 1.</param>
    /// <returns>The trained weights and the number of mistakes in each epoch.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The data are empty, ragged, not finite, or a label is not 0 or 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> or <paramref name="maxEpochs"/> is out of range.</exception>
    public PerceptronResult Fit(
        IReadOnlyList<IReadOnlyList<double>> inputs, IReadOnlyList<double> targets, double learningRate, int maxEpochs)
    {
        var (x, y) = LessonArguments.Data(inputs, targets, InputCount);
        LessonArguments.BinaryTargets(y);
        LessonArguments.Positive(learningRate, nameof(learningRate));
        LessonArguments.AtLeastOne(maxEpochs, nameof(maxEpochs));
        var fit = Neurons.TrainPerceptron(learningRate, maxEpochs, neuron, x, y);
        neuron = fit.Neuron;
        return new PerceptronResult(fit);
    }
}
