namespace Hybrid;

/// <summary>
/// Your own loss (course items S18–S23; docs/extending.md): J(Ŷ, Y) and its gradient ∂J/∂Ŷ over a batch of
/// <c>rows</c>×<c>columns</c> predictions and targets, stored row by row (one example per row). The gradient is the
/// derivative of exactly the value returned: a mean over the N rows carries its 1/N in both. Write it as a <c>struct</c> and
/// pass its type to <see cref="LossDefinition.Create{TFunction}(string, LossOptions?)"/>.
/// </summary>
public interface ILossFunction
{
    /// <summary>J(Ŷ, Y).</summary>
    /// <param name="predictions">Ŷ, rows×columns entries, row by row.</param>
    /// <param name="targets">Y, the same shape.</param>
    /// <param name="rows">N, the examples in the batch.</param>
    /// <param name="columns">The outputs per example.</param>
    /// <returns>J.</returns>
    double Value(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, int rows, int columns);

    /// <summary>Writes ∂J/∂Ŷ into <paramref name="gradient"/> (every entry).</summary>
    /// <param name="predictions">Ŷ, rows×columns entries, row by row.</param>
    /// <param name="targets">Y, the same shape.</param>
    /// <param name="gradient">Where ∂J/∂Ŷ goes, the same shape.</param>
    /// <param name="rows">N, the examples in the batch.</param>
    /// <param name="columns">The outputs per example.</param>
    void Gradient(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, Span<double> gradient, int rows, int columns);
}
