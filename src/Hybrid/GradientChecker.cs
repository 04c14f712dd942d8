using Hybrid.Core.Interop;
using Hybrid.Core;

namespace Hybrid;

/// <summary>
/// Gradient checking (S26): backpropagation's gradient of every parameter against central
/// differences of the whole network's loss. Wraps <c>Hybrid.Core.NetworkCheck.check</c>; see
/// docs/cli.md (<c>hybrid gradcheck</c>) and docs/numerical.md.
/// </summary>
public static class GradientChecker
{
    /// <summary>
    /// For each parameter matrix (per dense layer W, b and α for PReLU; per maxout layer its pieces):
    /// the largest relative error |a − n| / max(|a|, |n|, <paramref name="tiny"/>) between the
    /// analytic gradient a and the central difference n = (J(θ + h) − J(θ − h)) / 2h, and where it is.
    /// Dropout is off; with <paramref name="l2"/> = λ &gt; 0 the loss includes λ·Σ‖W‖². Entries whose
    /// two steps straddle a kink are left out and counted (<see cref="GradientCheckResult.ExcludedAtKinks"/>).
    /// Costs two loss evaluations per parameter: use a small network and a few rows.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="x">Input rows.</param>
    /// <param name="y">Class labels or target rows.</param>
    /// <param name="step">The step h &gt; 0 of the central difference (default 1e-5).</param>
    /// <param name="tiny">The floor of the relative error's denominator, &gt; 0 (default 1e-8): two values both below it are compared absolutely.</param>
    /// <param name="l2">λ ≥ 0 (default 0).</param>
    /// <returns>One result per parameter matrix, in the order of <see cref="Network.GetParameters"/>.</returns>
    /// <exception cref="ArgumentNullException">network or loss is null.</exception>
    /// <exception cref="ArgumentException">Bad input as for <see cref="Network.ComputeGradients"/>, or step, tiny or l2 out of range.</exception>
    public static IReadOnlyList<GradientCheckResult> Check(Network network, Loss loss, Features x, Targets y, double step = 1e-5, double tiny = 1e-8, double l2 = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        if (!(double.IsFinite(step) && step > 0)) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be a finite number > 0.");
        if (!(double.IsFinite(tiny) && tiny > 0)) throw new ArgumentOutOfRangeException(nameof(tiny), tiny, "tiny must be a finite number > 0.");
        if (!(double.IsFinite(l2) && l2 >= 0)) throw new ArgumentOutOfRangeException(nameof(l2), l2, "l2 must be a finite number >= 0.");
        var X = DataConvert.Checked(x.ToMatrix(nameof(x)), network.InputCount, nameof(x));
        var Y = y.ToMatrix(nameof(y), network.OutputCount, loss.Core);
        if (Y.RowCount != X.RowCount)
            throw new ArgumentException($"x has {X.RowCount} rows but y has {Y.RowCount}: give one target per example.", nameof(y));
        Rules.CheckTargets(nameof(y), loss.Core, Y);
        TrainingMessages.CheckLossFits(loss.Core, network.Model);
        return Checks.Gradients(step, tiny, l2, loss.Core, network.Model, X, Y)
            .Select(r => new GradientCheckResult(r.Name, r.MaxRelativeError, r.Row, r.Column, r.Analytic, r.Numerical, r.Excluded))
            .ToList().AsReadOnly();
    }
}
