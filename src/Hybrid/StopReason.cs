namespace Hybrid;

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed,
    /// <summary>Patience ran out (early stopping).</summary>
    EarlyStopped,
    /// <summary>A loss, gradient or parameter became NaN or infinite; the last good weights are kept.</summary>
    NonFiniteLoss,
    /// <summary>
    /// Training diverged: a batch loss grew beyond 10^6 × max(1, the first batch's loss) while
    /// staying finite (what a far too large learning rate does to Adam, RMSProp and AdaGrad, whose
    /// steps are bounded); the weights from the start of that epoch are kept (docs/facade-trainer.md).
    /// </summary>
    Diverged,
    /// <summary>Cancelled through the token (only in <see cref="TrainingCanceledException.PartialResult"/>).</summary>
    Cancelled,
    /// <summary>A <see cref="TrainingCallback"/> set <see cref="EpochEndContext.StopTraining"/> after a completed epoch.</summary>
    StoppedByCallback,
}

/// <summary>
/// The one mapping from the core's <c>Hybrid.Core.StopReason</c> (the definition of why training
/// stopped) to the public <see cref="StopReason"/>. The core's case arrives by name
/// (<c>StopFacts.Reason</c>) and is matched with <c>nameof</c>, so a renamed core case does not
/// compile; StopReasonTests walk every core case, so a new one cannot go unmapped.
/// </summary>
internal static class StopReasons
{
    /// <summary>The public reason of the core's StopReason case named <paramref name="coreCase"/>.</summary>
    /// <exception cref="InvalidOperationException">The core has a case this mapping does not know.</exception>
    internal static StopReason FromCore(string coreCase) => coreCase switch
    {
        nameof(Core.StopReason.Completed) => StopReason.Completed,
        nameof(Core.StopReason.EarlyStopped) => StopReason.EarlyStopped,
        nameof(Core.StopReason.NonFinite) => StopReason.NonFiniteLoss,
        nameof(Core.StopReason.Diverged) => StopReason.Diverged,
        nameof(Core.StopReason.Cancelled) => StopReason.Cancelled,
        nameof(Core.StopReason.StoppedByCallback) => StopReason.StoppedByCallback,
        _ => throw new InvalidOperationException($"the core's stop reason {coreCase} has no public StopReason."),
    };
}
