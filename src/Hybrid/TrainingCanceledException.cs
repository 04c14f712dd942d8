namespace Hybrid;

/// <summary>
/// Training was cancelled through its <see cref="CancellationToken"/>. It is an
/// <see cref="OperationCanceledException"/> (so existing handlers still catch it) that carries what
/// training had reached: <see cref="PartialResult"/> holds the network after the last completed
/// epoch (or the best epoch's with <see cref="Trainer.RestoreBestWeights"/>) and the history so
/// far, so a caller can keep the best model (the command line's Ctrl+C does).
/// </summary>
public sealed class TrainingCanceledException : OperationCanceledException
{
    internal TrainingCanceledException(string message, TrainingResult partialResult, CancellationToken cancellationToken)
        : base(message, cancellationToken) => PartialResult = partialResult;

    /// <summary>The network and history when training stopped (the input network, unchanged, if no epoch completed: see <see cref="TrainingResult.EpochsCompleted"/>).</summary>
    public TrainingResult PartialResult { get; }
}
