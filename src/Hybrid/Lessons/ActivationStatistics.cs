namespace Hybrid.Lessons;

/// <summary>
/// The activation-statistics experiment of S31 (slides 004): a standard-normal input of
/// examples×width pushed through <c>depth</c> layers A ← g(A·W) without biases, W drawn by an
/// initialiser; per layer the mean and standard deviation of the activations and their histogram.
/// Wraps <c>Hybrid.Core.ActivationStatistics.run</c>; see docs/initialisation.md.
/// </summary>
public static class ActivationStatistics
{
    /// <summary>Runs the experiment for seeds initializer.Seed, +1, ..., averaging each layer's mean and std over them.</summary>
    /// <param name="activation">g.</param>
    /// <param name="initializer">The weight initialiser (its seed is the first seed); not <see cref="Initializer.Default"/>.</param>
    /// <param name="examples">Rows of the input (slides: 1000).</param>
    /// <param name="width">Units per layer and input columns (slides: 500).</param>
    /// <param name="depth">Layers (slides: 10).</param>
    /// <param name="seeds">How many seeds to average over, ≥ 1.</param>
    /// <param name="bins">Histogram bins, ≥ 1 (shared edges over all layers of the first seed).</param>
    /// <returns>One entry per layer, layer 1 first.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A count is below 1, or the initialiser is <see cref="Initializer.Default"/>.</exception>
    public static IReadOnlyList<LayerStatistics> Run(Activation activation, Initializer initializer, int examples = 1000, int width = 500, int depth = 10, int seeds = 1, int bins = 40)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(initializer);
        if (initializer.Core is null) throw new ArgumentException("Give a concrete initialiser (the Default one depends on the activation): e.g. Initializer.HeNormal(seed).", nameof(initializer));
        LessonArguments.AtLeastOne(examples, nameof(examples));
        LessonArguments.AtLeastOne(width, nameof(width));
        LessonArguments.AtLeastOne(depth, nameof(depth));
        LessonArguments.AtLeastOne(seeds, nameof(seeds));
        LessonArguments.AtLeastOne(bins, nameof(bins));
        return Core.Interop.Checks.ActivationStatistics(activation.Core, initializer.Core, initializer.Seed, seeds, examples, width, depth, bins)
            .Select(s => new LayerStatistics(s.Layer, s.Mean, s.Std, s.Edges, s.Counts))
            .ToList().AsReadOnly();
    }
}
