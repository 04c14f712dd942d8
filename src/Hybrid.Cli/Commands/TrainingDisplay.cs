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
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var epochs = ctx.AddTask("epochs", maxValue: maxEpochs);
                var status = ctx.AddTask("starting…", maxValue: 1);
                result = train(new Infrastructure.SyncProgress<EpochReport>(r =>
                {
                    epochs.Value = r.Epoch;
                    epochs.Description = $"epoch {r.Epoch}/{maxEpochs}";
                    var line = Line(r, maxEpochs);
                    status.Description = Markup.Escape(line[line.IndexOf("loss", StringComparison.Ordinal)..]) + string.Create(CultureInfo.InvariantCulture, $"  {r.SamplesPerSecond:F0} rows/s");
                    status.Value = 1;
                }));
                epochs.Value = epochs.MaxValue;
                epochs.StopTask();
                status.StopTask();
            });
        return result;
    }

    private static TimeSpan TimeLeft(TimeSpan elapsed, int epoch, int maxEpochs) =>
        epoch <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(elapsed.Ticks / epoch * (maxEpochs - epoch));
}
