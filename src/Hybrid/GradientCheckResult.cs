using Hybrid.Core;

namespace Hybrid;

/// <summary>The worst entry of one parameter matrix in a gradient check.</summary>
public sealed class GradientCheckResult
{
    internal GradientCheckResult(string parameter, double maxRelativeError, int row, int column, double analytic, double numerical, int excludedAtKinks)
    {
        ExcludedAtKinks = excludedAtKinks;
        Parameter = parameter;
        MaxRelativeError = maxRelativeError;
        Row = row;
        Column = column;
        Analytic = analytic;
        Numerical = numerical;
    }

    /// <summary>The parameter's name, e.g. "layer 0 W" (as in <see cref="Network.GetParameters"/>).</summary>
    public string Parameter { get; }

    /// <summary>max |a − n| / max(|a|, |n|, tiny) over the entries (infinity if a value is NaN).</summary>
    public double MaxRelativeError { get; }

    /// <summary>Row of the worst entry.</summary>
    public int Row { get; }

    /// <summary>Column of the worst entry.</summary>
    public int Column { get; }

    /// <summary>Backpropagation's value there.</summary>
    public double Analytic { get; }

    /// <summary>The central difference there.</summary>
    public double Numerical { get; }

    /// <summary>
    /// Entries left out of <see cref="MaxRelativeError"/> because their two steps θ ± h put some
    /// pre-activation on different sides of a kink (ReLU's 0, a maxout's change of winner): there the
    /// central difference averages two slopes and estimates no derivative. Counted, never hidden.
    /// </summary>
    public int ExcludedAtKinks { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Parameter}: max relative error {MaxRelativeError:G3} at [{Row}, {Column}]" + (ExcludedAtKinks > 0 ? $" ({ExcludedAtKinks} entries at kinks left out)" : "");
}
