namespace Hybrid;

/// <summary>
/// A hook that runs after each completed epoch of <see cref="Trainer.Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>
/// (Keras's <c>Callback.on_epoch_end</c>): it sees the epoch's report and the weights, and may stop the
/// run or change the learning rate. Give callbacks to <see cref="Trainer.Callbacks"/>; they run in
/// order on the training thread. Built-ins: <see cref="ModelCheckpoint"/>,
/// <see cref="ReduceLearningRateOnPlateau"/>, <see cref="CsvLogger"/>. A callback keeps its own state
/// between epochs (and across <see cref="Trainer.Resume(TrainingState, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>
/// calls when the same instance is passed again).
/// </summary>
public abstract class TrainingCallback
{
    /// <summary>Called after each completed epoch, after its <see cref="EpochReport"/> was reported.</summary>
    /// <param name="context">The epoch's report, the learning rate in force and the weights; set its
    /// <see cref="EpochEndContext.StopTraining"/> or call <see cref="EpochEndContext.SetLearningRate"/> to act.</param>
    public abstract void OnEpochEnd(EpochEndContext context);
}

/// <summary>What a <see cref="TrainingCallback"/> sees after an epoch, and what it decides.</summary>
public sealed class EpochEndContext
{
    private readonly Func<Network> _network;
    private readonly Func<TrainingState>? _state;
    private Network? _snapshot;

    /// <summary>A context for an epoch's end (the trainer makes one per epoch; tests of a callback may make their own).</summary>
    /// <param name="report">The epoch's report.</param>
    /// <param name="learningRate">The base learning rate in force (the schedule's rate for each epoch is computed from it).</param>
    /// <param name="network">Makes the weights after the epoch, when a callback asks for them.</param>
    /// <param name="state">Makes the resumable state after the epoch, when a callback asks for it (null: none in this context).</param>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> or <paramref name="network"/> is null.</exception>
    public EpochEndContext(EpochReport report, double learningRate, Func<Network> network, Func<TrainingState>? state = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(network);
        Report = report;
        LearningRate = learningRate;
        _network = network;
        _state = state;
    }

    /// <summary>The epoch's report (losses, accuracies, whether it is the best so far).</summary>
    public EpochReport Report { get; }

    /// <summary>The base learning rate in force: the optimizer's, or the last one a callback set. The schedule's rate for each epoch is computed from it.</summary>
    public double LearningRate { get; private set; }

    /// <summary>The weights after this epoch (a copy, made on first access).</summary>
    public Network Network => _snapshot ??= _network();

    /// <summary>
    /// Where the run stands after this epoch, to save and resume later (<see cref="TrainingState.Save(string)"/>,
    /// <see cref="Trainer.Resume(TrainingState, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>):
    /// the state <see cref="TrainingResult.State"/> would hold had the run ended here, including a learning
    /// rate set in this context so far. Made on each access.
    /// </summary>
    /// <exception cref="InvalidOperationException">The context was made without a state.</exception>
    public TrainingState State
    {
        get
        {
            if (_state is null) throw new InvalidOperationException("This epoch-end context was made without a training state.");
            var state = _state();
            return LearningRateChanged ? state.WithBaseRate(LearningRate) : state;
        }
    }

    /// <summary>Set to true to end training after this epoch (<see cref="StopReason.StoppedByCallback"/>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>Whether a callback set a new learning rate in this context.</summary>
    public bool LearningRateChanged { get; private set; }

    /// <summary>Sets the base learning rate from the next epoch on (Keras's <c>optimizer.learning_rate</c>); later callbacks of the same epoch see it.</summary>
    /// <param name="learningRate">The new rate, finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not finite and positive.</exception>
    public void SetLearningRate(double learningRate)
    {
        if (!double.IsFinite(learningRate) || learningRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a finite number > 0.");
        LearningRate = learningRate;
        LearningRateChanged = true;
    }

    /// <summary>The value a monitor watches: the validation loss or accuracy when there is a validation set, else the training one (the trainer's rule).</summary>
    internal double Monitored(EarlyStoppingMetric metric) => metric == EarlyStoppingMetric.Accuracy
        ? Report.ValidationAccuracy ?? Report.TrainingAccuracy
        : Report.ValidationLoss ?? Report.TrainingLoss;
}
