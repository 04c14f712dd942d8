namespace Hybrid;

/// <summary>
/// Saves where the run stands every <see cref="EveryEpochs"/> epochs (Keras's <c>BackupAndRestore</c>):
/// the resumable <see cref="EpochEndContext.State"/> as a checkpoint file (<see cref="TrainingState.Save(string)"/>,
/// atomic), so a run that dies can go on from its last checkpoint with <see cref="TrainingState.Load(string)"/>
/// and <see cref="Trainer.Resume(TrainingState, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>,
/// as if it had never stopped. Put it after callbacks that change the learning rate, so that the
/// state it saves includes their change.
/// </summary>
public sealed class TrainingCheckpoint : TrainingCallback
{
    /// <summary>A checkpoint written to <paramref name="path"/> after every <paramref name="everyEpochs"/>-th epoch.</summary>
    /// <param name="path">The checkpoint file (replaced at each save).</param>
    /// <param name="everyEpochs">Save after epochs whose number is a multiple of this, ≥ 1 (default 1).</param>
    /// <exception cref="ArgumentException">The path is null, empty or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">everyEpochs is below 1.</exception>
    public TrainingCheckpoint(string path, int everyEpochs = 1)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The checkpoint path must not be empty.", nameof(path));
        if (everyEpochs < 1) throw new ArgumentOutOfRangeException(nameof(everyEpochs), everyEpochs, "everyEpochs must be at least 1.");
        Path = path;
        EveryEpochs = everyEpochs;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>Epochs between saves.</summary>
    public int EveryEpochs { get; }

    /// <summary>The epoch last saved (0 before any save).</summary>
    public int SavedEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochEndContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Report.Epoch % EveryEpochs != 0) return;
        context.State.Save(Path);
        SavedEpoch = context.Report.Epoch;
    }
}
