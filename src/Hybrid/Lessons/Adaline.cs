using Hybrid.Core.Interop;

namespace Hybrid.Lessons;

/// <summary>
/// Adaline (S02): a linear neuron ŷ = w·x + b trained by gradient descent on
/// J = ½·Σ (y − ŷ)². The online update is w ← w + η(y − ŷ)x (the slides print a minus sign: an
/// erratum; see docs/neurons.md). Wraps <c>Hybrid.Core.Adaline</c>.
/// </summary>
public sealed class Adaline
{
    private Core.Neuron neuron;

    /// <summary>An Adaline with seeded random starting weights and bias, uniform in [−1, 1].</summary>
    /// <param name="inputCount">The number of inputs d (at least 1).</param>
    /// <param name="seed">The seed: the same seed gives the same starting point.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputCount"/> is less than 1.</exception>
    public Adaline(int inputCount, int seed)
    {
        neuron = LessonArguments.RandomNeuron(inputCount, seed, 1.0);
    }

    /// <summary>An Adaline with the given starting weights and bias (copied).</summary>
    /// <param name="weights">The starting weights, one per input; finite and not empty.</param>
    /// <param name="bias">The starting bias; finite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weights"/> is empty or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bias"/> is not finite.</exception>
    public Adaline(IReadOnlyList<double> weights, double bias)
    {
        neuron = LessonArguments.Neuron(weights, bias);
    }

    /// <summary>The number of inputs d.</summary>
    public int InputCount => neuron.W.Length;

    /// <summary>The current weights (a copy).</summary>
    public IReadOnlyList<double> Weights => LessonArguments.ReadOnly(neuron.W);

    /// <summary>The current bias.</summary>
    public double Bias => neuron.B;

    /// <summary>The output w·x + b (identity activation).</summary>
    /// <param name="input">One example with <see cref="InputCount"/> finite values.</param>
    /// <returns>The linear output.</returns>
    public double Predict(IReadOnlyList<double> input) =>
        Neurons.AdalinePredict(neuron, LessonArguments.Vector(input, nameof(input), InputCount));

    /// <summary>The cost J = ½·Σ (y − ŷ)² over a data set (a plain sum, as on the slide).</summary>
    /// <param name="inputs">The examples, one row each.</param>
    /// <param name="targets">The targets, one per row.</param>
    /// <returns>J.</returns>
    public double Cost(IReadOnlyList<IReadOnlyList<double>> inputs, IReadOnlyList<double> targets)
    {
        var (x, y) = LessonArguments.Data(inputs, targets, InputCount);
        return Neurons.AdalineCost(neuron, x, y);
    }

    /// <summary>
    /// Online training: <paramref name="epochs"/> passes over the rows in order, one gradient step
    /// on ½(y − ŷ)² per row; J is recorded after each epoch. This Adaline's weights become the
    /// trained ones.
    /// </summary>
    /// <param name="inputs">The examples, one row each, <see cref="InputCount"/> values per row.</param>
    /// <param name="targets">The targets, one per row.</param>
    /// <param name="learningRate">The step η, greater than 0.</param>
    /// <param name="epochs">The number of epochs, at least 1.</param>
    /// <returns>The trained weights and J after each epoch.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The data are empty, ragged or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> or <paramref name="epochs"/> is out of range.</exception>
    public AdalineResult Fit(
        IReadOnlyList<IReadOnlyList<double>> inputs, IReadOnlyList<double> targets, double learningRate, int epochs) =>
        Train(inputs, targets, learningRate, epochs, batch: false);

    /// <summary>
    /// Batch training: <paramref name="epochs"/> steps w ← w − η·∂J/∂w over the whole data set;
    /// J is recorded after each. This Adaline's weights become the trained ones.
    /// </summary>
    /// <param name="inputs">The examples, one row each, <see cref="InputCount"/> values per row.</param>
    /// <param name="targets">The targets, one per row.</param>
    /// <param name="learningRate">The step η, greater than 0.</param>
    /// <param name="epochs">The number of epochs, at least 1.</param>
    /// <returns>The trained weights and J after each epoch.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The data are empty, ragged or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> or <paramref name="epochs"/> is out of range.</exception>
    public AdalineResult FitBatch(
        IReadOnlyList<IReadOnlyList<double>> inputs, IReadOnlyList<double> targets, double learningRate, int epochs) =>
        Train(inputs, targets, learningRate, epochs, batch: true);

    private AdalineResult Train(
        IReadOnlyList<IReadOnlyList<double>> inputs, IReadOnlyList<double> targets, double learningRate, int epochs, bool batch)
    {
        var (x, y) = LessonArguments.Data(inputs, targets, InputCount);
        LessonArguments.Positive(learningRate, nameof(learningRate));
        LessonArguments.AtLeastOne(epochs, nameof(epochs));
        var fit = batch
            ? Neurons.TrainAdalineBatch(learningRate, epochs, neuron, x, y)
            : Neurons.TrainAdaline(learningRate, epochs, neuron, x, y);
        neuron = fit.Neuron;
        return new AdalineResult(fit);
    }
}
