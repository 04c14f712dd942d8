using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;

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
}
