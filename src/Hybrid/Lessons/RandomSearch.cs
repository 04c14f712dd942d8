using Hybrid.Core.Interop;

namespace Hybrid.Lessons;

/// <summary>
/// Optimisation without gradients (S25) over a flat parameter vector, and the gradient-descent
/// baseline it is compared with (S27). Every method is seeded where it draws random numbers and
/// spends exactly <c>budget</c> evaluations of the loss. Wraps <c>Hybrid.Core.RandomSearch</c>.
/// </summary>
public static class RandomSearch
{
    /// <summary>Random search: draw θ = scale·N(0, I) <paramref name="budget"/> times and keep the best.</summary>
    /// <param name="loss">The loss of a parameter vector (it receives a copy it may keep).</param>
    /// <param name="dimension">The number of parameters, at least 1.</param>
    /// <param name="budget">The number of loss evaluations, at least 1.</param>
    /// <param name="scale">The standard deviation of the draws, greater than 0.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The best parameters, their loss and the best loss after each evaluation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
    public static SearchResult Search(Func<double[], double> loss, int dimension, int budget, double scale, int seed)
    {
        ArgumentNullException.ThrowIfNull(loss);
        LessonArguments.AtLeastOne(dimension, nameof(dimension));
        LessonArguments.AtLeastOne(budget, nameof(budget));
        LessonArguments.Positive(scale, nameof(scale));
        return new SearchResult(Searches.Random(seed, budget, scale, dimension, loss));
    }

    /// <summary>
    /// Random local search: from <paramref name="initial"/>, try θ + stepSize·N(0, I) and move when
    /// the loss is lower, until <paramref name="budget"/> evaluations are spent.
    /// </summary>
    /// <param name="loss">The loss of a parameter vector (it receives a copy it may keep).</param>
    /// <param name="initial">The starting parameters; finite, not empty.</param>
    /// <param name="budget">The number of loss evaluations, at least 1.</param>
    /// <param name="stepSize">The standard deviation of a step, greater than 0.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The best parameters, their loss and the best loss after each evaluation.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="initial"/> is empty or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
    public static SearchResult LocalSearch(
        Func<double[], double> loss, IReadOnlyList<double> initial, int budget, double stepSize, int seed)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var init = LessonArguments.Vector(initial, nameof(initial));
        LessonArguments.AtLeastOne(budget, nameof(budget));
        LessonArguments.Positive(stepSize, nameof(stepSize));
        return new SearchResult(Searches.Local(seed, budget, stepSize, init, loss));
    }

    /// <summary>
    /// Gradient descent θ ← θ − η·∇L(θ) from <paramref name="initial"/>, one loss evaluation per step
    /// (the gradient alongside), <paramref name="budget"/> evaluations in all; the best θ seen is returned.
    /// </summary>
    /// <param name="loss">The loss of a parameter vector.</param>
    /// <param name="gradient">Its gradient: one entry per parameter.</param>
    /// <param name="initial">The starting parameters; finite, not empty.</param>
    /// <param name="budget">The number of loss evaluations, at least 1.</param>
    /// <param name="learningRate">The step η, greater than 0.</param>
    /// <returns>The best parameters, their loss and the best loss after each evaluation.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="initial"/> is empty or not finite, or the gradient has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
    public static SearchResult GradientDescent(
        Func<double[], double> loss, Func<double[], double[]> gradient, IReadOnlyList<double> initial, int budget, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(gradient);
        var init = LessonArguments.Vector(initial, nameof(initial));
        LessonArguments.AtLeastOne(budget, nameof(budget));
        LessonArguments.Positive(learningRate, nameof(learningRate));
        return new SearchResult(Searches.GradientDescent(
            budget, learningRate, init, loss, gradient));
    }
}
