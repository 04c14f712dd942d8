namespace Hybrid.Cli.Playground;

/// <summary>One parameter matrix's line of the gradient-check panel.</summary>
/// <param name="Parameter">"layer 0 W".</param>
/// <param name="MaxRelativeError">max |a − n| / max(|a|, |n|, <see cref="GradientCheckReport.Floor"/>) over its entries.</param>
/// <param name="Passed">Whether it is below <see cref="GradientCheckReport.Threshold"/>.</param>
/// <param name="ExcludedAtKinks">Entries left out because their ±h step straddles a kink.</param>
public sealed record GradientCheckLine(string Parameter, double MaxRelativeError, bool Passed, int ExcludedAtKinks);

/// <summary>The "gradient check" button (S26): <see cref="GradientChecker.Check"/> on the current network and the first training rows.</summary>
/// <param name="Epoch">The epoch of the network checked.</param>
/// <param name="Rows">Rows used.</param>
/// <param name="Threshold">The pass mark.</param>
/// <param name="Lines">One line per parameter matrix.</param>
public sealed record GradientCheckReport(int Epoch, int Rows, double Threshold, GradientCheckLine[] Lines)
{
    /// <summary>The pass mark, as <c>hybrid gradcheck</c>'s default (entries whose ±h step straddles a kink are left out and counted); smooth networks give about 1e-7.</summary>
    public const double DefaultThreshold = 1e-4;

    /// <summary>
    /// The floor of the relative error's denominator: entries whose gradients are below it are compared
    /// absolutely. A central difference carries roundoff of a few ε·J/h (ε = 2.2e-16, J ≈ 1 on these
    /// data sets, h = 1e-5: about 1e-10), which is 1e-4 relative to 1e-6: below that the relative error
    /// measures roundoff, not the gradient (a trained ReLU network's nearly dead units have output
    /// weights whose gradients are ~1e-7, and with a floor of 1e-8 they read 1e-4 to 3e-4).
    /// </summary>
    public const double Floor = 1e-6;

    /// <summary>The largest network checked (it costs two loss evaluations per parameter).</summary>
    public const int MaxParameters = 5000;

    /// <summary>Checks the session's current network.</summary>
    internal static GradientCheckReport Of(Session session, int rows)
    {
        var (run, network, epoch) = session.Current;
        var n = Math.Min(rows, run.Train.RowCount);
        var subset = run.Train.SelectRows(Enumerable.Range(0, n).ToArray());
        var results = GradientChecker.Check(network, run.Loss, subset.Features, subset.Targets, tiny: Floor, l2: run.Settings.L2);
        return new GradientCheckReport(epoch, n, DefaultThreshold,
            results.Select(r => new GradientCheckLine(r.Parameter, r.MaxRelativeError, r.MaxRelativeError < DefaultThreshold, r.ExcludedAtKinks)).ToArray());
    }
}
