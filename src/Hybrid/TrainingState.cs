using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// Where a training run stands after its last completed epoch: the weights, the optimizer's state
/// (momentum, Adam's m, v and step count), the best epoch and early stopping's counter. Pass it to
/// <see cref="Trainer.Resume(TrainingState, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>
/// to continue the run exactly as if it had never stopped: a run of a epochs resumed for b more
/// gives the same weights and epoch reports as one run of a + b epochs, bit for bit. The shuffles,
/// dropout masks and the schedule's learning rate depend only on <see cref="Trainer.Seed"/> and the
/// epoch number, so nothing else is needed. A run stopped inside an epoch (cancelled, a NaN, a
/// divergence) leaves the state at the start of that epoch.
/// </summary>
public sealed class TrainingState
{
    internal TrainingState(Hybrid.Core.TrainingState core) => Core = core;

    internal Hybrid.Core.TrainingState Core { get; }

    /// <summary>The number of epochs completed; a resumed run numbers its epochs from this + 1.</summary>
    public int EpochsCompleted => Trainings.EpochsOf(Core);

    /// <summary>The weights the run continues from (the current ones, not a restored best).</summary>
    public Network Network => new(Trainings.NetworkOf(Core));

    /// <summary>The 1-based best epoch so far (0 if none).</summary>
    public int BestEpoch => Trainings.BestEpochOf(Core);

    /// <summary>The optimizer steps (minibatches) taken so far: Adam's t.</summary>
    public int OptimizerSteps => Trainings.StepsOf(Core);
}
