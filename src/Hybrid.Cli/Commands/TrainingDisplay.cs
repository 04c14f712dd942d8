using System.Globalization;
using Spectre.Console;

namespace Hybrid.Cli.Commands;

/// <summary>
/// What the console shows while a network trains: a live display (epoch bar, batch bar, loss and
/// accuracy, time left) on an interactive terminal, one plain line per epoch otherwise (output
/// redirected, CI, tests, or --plain).
/// </summary>
internal static class TrainingDisplay
{
    /// <summary>Whether the live display can run on this console.</summary>
    public static bool IsLive(IAnsiConsole console, bool plain) => !plain && console.Profile.Capabilities.Interactive;

    /// <summary>One epoch's numbers as text.</summary>
    public static string Line(EpochReport r, int maxEpochs) =>
        string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch,3}/{maxEpochs}  loss {r.TrainingLoss:F4}  acc {r.TrainingAccuracy:P1}")
        + (r.ValidationLoss is double vl ? string.Create(CultureInfo.InvariantCulture, $"  val_loss {vl:F4}  val_acc {r.ValidationAccuracy:P1}") : "")
        + (r.IsBest ? "  *" : "");

    /// <summary>Runs <paramref name="train"/> (which receives the progress sink) under the live display or with plain lines.</summary>
    public static T Run<T>(IAnsiConsole console, bool plain, int maxEpochs, Func<IProgress<EpochReport>, T> train)
    {
        if (!IsLive(console, plain))
        {
            // The library's synchronous reporter: one line per epoch, in order, on the training thread.
            return train(new ConsoleProgress(console.Profile.Out.Writer, 1, r =>
                Line(r, maxEpochs) + string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Elapsed.TotalSeconds:F1} s  {r.SamplesPerSecond:F0} rows/s  left ≤ {TimeLeft(r.Elapsed, r.Epoch, maxEpochs).TotalSeconds:F0} s")));
        }
        // Live display: redrawn in place after each epoch, two lines that fit 80 columns.
        T result = default!;
        var view = new Rows(new Markup(Bar(0, maxEpochs) + $" epoch 0/{maxEpochs}"), new Markup("[grey]starting…[/]"));
        console.Live(view).AutoClear(false).Start(ctx =>
        {
            result = train(new Infrastructure.SyncProgress<EpochReport>(r =>
            {
                var left = TimeLeft(r.Elapsed, r.Epoch, maxEpochs);
                var head = string.Create(CultureInfo.InvariantCulture,
                    $"{Bar(r.Epoch, maxEpochs)} epoch {r.Epoch}/{maxEpochs}  {r.Elapsed.TotalSeconds:F1} s, left ≤ {left.TotalSeconds:F0} s");
                var metrics = string.Create(CultureInfo.InvariantCulture, $"loss {r.TrainingLoss:F4} acc {r.TrainingAccuracy:P1}")
                    + (r.ValidationLoss is double vl ? string.Create(CultureInfo.InvariantCulture, $" | val loss {vl:F4} acc {r.ValidationAccuracy:P1}") : "")
                    + string.Create(CultureInfo.InvariantCulture, $" | {r.SamplesPerSecond:F0} rows/s") + (r.IsBest ? " *" : "");
                ctx.UpdateTarget(new Rows(new Markup(Markup.Escape(head)), new Markup(Markup.Escape(metrics))));
                ctx.Refresh();
            }));
        });
        return result;
    }

    /// <summary>A 24-character bar: the done share of the epochs in full blocks.</summary>
    private static string Bar(int done, int total)
    {
        const int width = 24;
        int full = total <= 0 ? 0 : Math.Min(width, done * width / total);
        return new string('━', full) + new string('─', width - full);
    }

    private static TimeSpan TimeLeft(TimeSpan elapsed, int epoch, int maxEpochs) =>
        epoch <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(elapsed.Ticks / epoch * (maxEpochs - epoch));
}
