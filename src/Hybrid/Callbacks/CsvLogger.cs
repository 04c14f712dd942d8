using System.Globalization;

namespace Hybrid;

/// <summary>
/// Writes one line per epoch to a CSV file (Keras's <c>CSVLogger</c>): a header
/// <c>epoch,learning_rate,loss,accuracy,val_loss,val_accuracy</c>, then each epoch's report with every
/// digit (round-trip format, invariant culture; the validation columns are empty without a validation
/// set). The file is created (or replaced, or appended to with <c>append: true</c>) at the first epoch
/// and flushed after each line, so it can be read while training runs.
/// </summary>
public sealed class CsvLogger : TrainingCallback
{
    /// <summary>The header line.</summary>
    public const string Header = "epoch,learning_rate,loss,accuracy,val_loss,val_accuracy";

    private bool _started;

    /// <summary>A logger writing to <paramref name="path"/>.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="append">Append to an existing file (no second header) instead of replacing it.</param>
    /// <exception cref="ArgumentException">The path is null, empty or blank.</exception>
    public CsvLogger(string path, bool append = false)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The CSV path must not be empty.", nameof(path));
        Path = path;
        Append = append;
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <summary>Whether lines are appended to an existing file.</summary>
    public bool Append { get; }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochEndContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var c = CultureInfo.InvariantCulture;
        var r = context.Report;
        string line = string.Join(",", r.Epoch.ToString(c), r.LearningRate.ToString("R", c), r.TrainingLoss.ToString("R", c), r.TrainingAccuracy.ToString("R", c),
                                  r.ValidationLoss?.ToString("R", c) ?? "", r.ValidationAccuracy?.ToString("R", c) ?? "");
        bool header = !_started && !(Append && File.Exists(Path) && new FileInfo(Path).Length > 0);
        using (var writer = new StreamWriter(Path, append: _started || Append))
        {
            if (header) writer.WriteLine(Header);
            writer.WriteLine(line);
        }
        _started = true;
    }
}
