namespace Hybrid;

/// <summary>
/// A synchronous progress reporter: writes each <see cref="EpochReport"/> as one line to a
/// <see cref="TextWriter"/> (the console by default) on the thread that reports it, before
/// training goes on, so lines appear in epoch order. (<c>new Progress&lt;EpochReport&gt;(...)</c>
/// posts to the thread pool in a console app and may reorder lines.) See docs/facade-trainer.md.
/// </summary>
public sealed class ConsoleProgress : IProgress<EpochReport>
{
    private readonly TextWriter _writer;
    private readonly Func<EpochReport, string> _format;
    private readonly int _every;

    /// <summary>Writes every epoch's <see cref="EpochReport.ToString"/> to <see cref="Console.Out"/>.</summary>
    public ConsoleProgress() : this(Console.Out) { }

    /// <summary>Writes every <paramref name="every"/>-th epoch's line (and every best epoch) to <paramref name="writer"/>.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="every">Write epochs 1, 1 + every, 1 + 2·every, ... and every epoch marked best; ≥ 1 (default 1: all).</param>
    /// <param name="format">Turns a report into its line (default <see cref="EpochReport.ToString"/>; <see cref="WithTiming(EpochReport)"/> adds the time and rows per second).</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> is less than 1.</exception>
    public ConsoleProgress(TextWriter writer, int every = 1, Func<EpochReport, string>? format = null)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _every = every >= 1 ? every : throw new ArgumentOutOfRangeException(nameof(every), every, "every must be at least 1.");
        _format = format ?? (r => r.ToString());
    }

    /// <summary>A report's line with its elapsed time and rows per second appended, e.g. "epoch 3: ... [1.2 s, 52,000 rows/s]".</summary>
    /// <param name="report">The report.</param>
    /// <returns>The line.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static string WithTiming(EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return FormattableString.Invariant($"{report} [{report.Elapsed.TotalSeconds:F1} s, {report.SamplesPerSecond:N0} rows/s]");
    }

    /// <summary>Writes the report's line now, on the calling thread (one line per report, in order).</summary>
    /// <param name="value">The report.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public void Report(EpochReport value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if ((value.Epoch - 1) % _every != 0 && !value.IsBest) return;
        lock (_writer) _writer.WriteLine(_format(value));
    }
}
