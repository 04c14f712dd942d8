namespace Hybrid;

/// <summary>
/// Saves the network to a file after an epoch (Keras's <c>ModelCheckpoint</c>): with
/// <see cref="SaveBestOnly"/> (the default) only when the monitored value improves on the best seen
/// so far (strictly: lower loss, higher accuracy), else after every epoch. The monitored value is the
/// validation one when there is a validation set, else the training one. Saves are atomic
/// (<see cref="Network.Save(string)"/>): a crash mid-save keeps the previous file.
/// </summary>
public sealed class ModelCheckpoint : TrainingCallback
{
    private double? _best;

    /// <summary>A checkpoint writing to <paramref name="path"/>.</summary>
    /// <param name="path">The model file to write (replaced at each save).</param>
    /// <param name="monitor">What decides "best": the loss (lower is better, the default) or the accuracy (higher is better).</param>
    /// <param name="saveBestOnly">Save only on improvement (default) or after every epoch.</param>
    /// <exception cref="ArgumentException">The path is null, empty or blank.</exception>
    public ModelCheckpoint(string path, EarlyStoppingMetric monitor = EarlyStoppingMetric.Loss, bool saveBestOnly = true)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The checkpoint path must not be empty.", nameof(path));
        Path = path;
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
    }

    /// <summary>The model file written.</summary>
    public string Path { get; }

    /// <summary>What decides "best".</summary>
    public EarlyStoppingMetric Monitor { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>The epoch last saved (0 before any save).</summary>
    public int SavedEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochEndContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        double value = context.Monitored(Monitor);
        bool improved = _best is not { } best || (Monitor == EarlyStoppingMetric.Accuracy ? value > best : value < best);
        if (improved) _best = value;
        if (improved || !SaveBestOnly)
        {
            context.Network.Save(Path);
            SavedEpoch = context.Report.Epoch;
        }
    }
}
