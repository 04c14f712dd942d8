using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid;

/// <summary>The outcome of <see cref="Trainer.Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(Network network, IReadOnlyList<EpochReport> history, StopReason stopReason, string message, int bestEpoch, bool restoredBestWeights, TrainingState state)
    {
        State = state;
        Network = network;
        History = history;
        StopReason = stopReason;
        Message = message;
        BestEpoch = bestEpoch;
        RestoredBestWeights = restoredBestWeights;
    }

    /// <summary>The trained network (a new object; the input network is unchanged).</summary>
    public Network Network { get; }

    /// <summary>One report per completed epoch: the loss and accuracy history.</summary>
    public IReadOnlyList<EpochReport> History { get; }

    /// <summary>Why training ended.</summary>
    public StopReason StopReason { get; }

    /// <summary>A readable account of how training ended (for a NaN stop: where, and what to try).</summary>
    public string Message { get; }

    /// <summary>The 1-based last epoch that counted as an improvement (<see cref="Trainer.MinDelta"/>; 0 if no epoch completed).</summary>
    public int BestEpoch { get; }

    /// <summary>Whether <see cref="Network"/> holds the best epoch's weights (<see cref="Trainer.RestoreBestWeights"/>).</summary>
    public bool RestoredBestWeights { get; }

    /// <summary>The number of epochs this call completed (<see cref="History"/>'s length).</summary>
    public int EpochsCompleted => History.Count;

    /// <summary>
    /// Where the run stands, to continue it with <see cref="Trainer.Resume(TrainingState, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>:
    /// after the last completed epoch, with the current weights (even when <see cref="Network"/> holds restored best weights).
    /// </summary>
    public TrainingState State { get; }
}
