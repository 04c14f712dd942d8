using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// Minibatch training (S28) with a loss and an optimiser. Configure it with an object
/// initializer; every setting is checked when it is set, and a trainer is immutable afterwards.
/// <see cref="Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/> never
/// changes the network it is given: it returns a new one. The epoch loop is the F# core's
/// <c>Training.run</c>, driving the fast path (<c>FastTraining</c>, the default) or the reference path
/// (<c>Training.fit</c>, with <see cref="UseReferencePath"/>); see docs/facade-trainer.md for the exact
/// rules (shuffling, epoch metrics, early stopping, restore-best, the NaN stop).
/// </summary>
public sealed class Trainer
{
    private readonly int _batchSize = 32;
    private readonly int _epochs = 10;
    private readonly double _validationSplit;
    private readonly double _weightDecay;
    private readonly int _patience;
    private readonly double _minDelta;
    private readonly LearningRateSchedule _schedule = LearningRateSchedule.Constant;

    /// <summary>A trainer with the given loss and optimiser and the default settings.</summary>
    /// <param name="loss">The loss J to minimise.</param>
    /// <param name="optimizer">The update rule and its initial learning rate.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public Trainer(Loss loss, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        Loss = loss;
        Optimizer = optimizer;
    }

    /// <summary>The loss.</summary>
    public Loss Loss { get; }

    /// <summary>The optimiser.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Examples per minibatch, ≥ 1 (default 32). The last batch of an epoch may be smaller.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1.");
    }

    /// <summary>The maximum number of epochs, ≥ 1 (default 10).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int Epochs
    {
        get => _epochs;
        init => _epochs = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Epochs), value, "Epochs must be at least 1.");
    }

    /// <summary>The seed of the shuffles, the validation split and dropout (default 0). The same seeds give bit-identical results.</summary>
    public int Seed { get; init; }

    /// <summary>The fraction f in [0, 1) of the training rows held out (seeded) for validation; 0 (default) holds none. Not combinable with an explicit validation set. With class labels (<c>int[]</c>) the split is stratified: class c with n_c rows gives min(⌊f·n_c + ½⌋, n_c − 1) rows (0 for a class of one row) to validation, as <see cref="Data.DataSet.TrainTestSplit(double, int)"/>; with target rows, ⌊f·n + ½⌋ rows of a seeded shuffle.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double ValidationSplit
    {
        get => _validationSplit;
        init => _validationSplit = value >= 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(nameof(ValidationSplit), value, "ValidationSplit must lie in [0, 1).");
    }

    /// <summary>L2 weight decay λ ≥ 0 (default 0): λ·Σ‖W‖² is added to the loss, 2λW to each weight gradient (biases and α are not decayed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    public double WeightDecay
    {
        get => _weightDecay;
        init => _weightDecay = double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(WeightDecay), value, "WeightDecay must be a finite number >= 0.");
    }

    /// <summary>The learning-rate schedule (default constant).</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public LearningRateSchedule Schedule
    {
        get => _schedule;
        init => _schedule = value ?? throw new ArgumentNullException(nameof(Schedule));
    }

    /// <summary>Early stopping: stop once this many epochs in a row did not improve the monitored metric (<see cref="Monitor"/>, on the validation set if there is one, else the training set); 0 (default) turns early stopping off.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public int Patience
    {
        get => _patience;
        init => _patience = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Patience), value, "Patience must be >= 0 (0 turns early stopping off).");
    }

    /// <summary>The metric early stopping, <see cref="EpochReport.IsBest"/> and <see cref="RestoreBestWeights"/> watch (default <see cref="EarlyStoppingMetric.Loss"/>).</summary>
    public EarlyStoppingMetric Monitor { get; init; }

    /// <summary>
    /// The divergence rule (docs/facade-trainer.md "Divergence"): training stops with
    /// <see cref="StopReason.Diverged"/> when a batch loss exceeds DivergenceFactor × max(1, the first
    /// batch's loss). Default 10^6; must be &gt; 1; <see cref="double.PositiveInfinity"/> turns the
    /// rule off (only the non-finite rule remains).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not &gt; 1 (or NaN).</exception>
    public double DivergenceFactor
    {
        get => _divergenceFactor;
        init => _divergenceFactor = value > 1 ? value : throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), value, "DivergenceFactor must be > 1 (or +infinity to turn the rule off).");
    }
    private readonly double _divergenceFactor = Trainings.DefaultDivergenceFactor;

    /// <summary>An epoch improves only if its monitored metric beats the best so far by more than MinDelta ≥ 0 (default 0), in the metric's direction as in Keras: loss &lt; best − MinDelta (mode min), accuracy &gt; best + MinDelta (mode max).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    public double MinDelta
    {
        get => _minDelta;
        init => _minDelta = double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MinDelta), value, "MinDelta must be a finite number >= 0.");
    }

    /// <summary>
    /// Restore-best rule: when true, the result holds the weights of the last epoch that counted as
    /// an improvement (see <see cref="MinDelta"/>; the first epoch always
    /// counts), however training ended (all epochs, early stop, or NaN stop); when false (default),
    /// the last good weights.
    /// </summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>
    /// When true, <see cref="Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/> trains on the
    /// reference path: the readable core functions on immutable matrices (<c>Training.fit</c>), for
    /// teaching and debugging. When false (default), on the fast path (<c>FastTraining</c>):
    /// preallocated row-major buffers updated in place, no allocation per batch, the data converted
    /// once and shuffled by index. Both give the same parameters up to the order of long sums and
    /// the same epoch reports (docs/facade-trainer.md, "Two paths").
    /// </summary>
    public bool UseReferencePath { get; init; }

    /// <summary>
    /// The element type the fast path trains in (docs/facade-trainer.md, "Precision"): <see cref="Precision.Double"/>
    /// (default) or <see cref="Precision.Single"/>, float32 as PyTorch and Keras train by default, about twice as fast
    /// in the matrix products. In single precision the layers, L2 and the update run in float32 (the same definitions
    /// instantiated at float32) and the loss is computed in float64 on the outputs; the trained network holds the float32
    /// weights widened exactly to float64. Every layer trains in float32 (a layer of your own computes in float64 on the values widened, its results rounded
    /// to float32). The reference path (<see cref="UseReferencePath"/>) is float64 only.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value that is not a member of <see cref="Hybrid.Precision"/>.</exception>
    public Precision Precision
    {
        get => _precision;
        init => _precision = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Precision), value, "Precision must be Double or Single.");
    }

    private readonly Precision _precision = Precision.Double;

    /// <summary>
    /// Hooks run after each completed epoch, in order, on the training thread (Keras's callbacks): each
    /// sees the epoch's report and the weights and may stop the run or change the learning rate (see
    /// <see cref="TrainingCallback"/>; built-ins <see cref="ModelCheckpoint"/>, <see cref="ReduceLearningRateOnPlateau"/>,
    /// <see cref="CsvLogger"/>). Default: none. A rate a callback sets is kept in <see cref="TrainingResult.State"/>,
    /// so <see cref="Resume(TrainingState, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/> continues at it.
    /// </summary>
    /// <exception cref="ArgumentNullException">The list is null.</exception>
    /// <exception cref="ArgumentException">The list holds a null.</exception>
    public IReadOnlyList<TrainingCallback> Callbacks
    {
        get => _callbacks;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Any(c => c is null)) throw new ArgumentException("Callbacks must not contain null.", nameof(Callbacks));
            _callbacks = value.ToArray();
        }
    }

    private readonly IReadOnlyList<TrainingCallback> _callbacks = [];

    /// <summary>
    /// Called after each completed epoch, after the callbacks, with where the run stands then (the
    /// base rate a callback set this epoch included): the state <see cref="TrainingResult.State"/>
    /// would hold had the run ended there. The command line's --checkpoint-every saves it.
    /// </summary>
    internal Action<TrainingState>? AfterEpoch { get; init; }

    /// <summary>The callbacks' decision after an epoch: stop if any asked to, the last rate one set; then <see cref="AfterEpoch"/>.</summary>
    private EpochDecision Decide(EpochEndView e)
    {
        bool stop = false;
        double rate = double.NaN;
        if (_callbacks.Count > 0)
        {
            var context = new EpochEndContext(EpochReport.FromCore(e.Record), e.BaseRate, () => new Network(e.Network(), Precision), () => new TrainingState(e.State()));
            foreach (var callback in _callbacks) callback.OnEpochEnd(context);
            stop = context.StopTraining;
            if (context.LearningRateChanged) rate = context.LearningRate;
        }
        if (AfterEpoch is { } after)
        {
            var state = e.State();
            after(double.IsNaN(rate) ? new TrainingState(state) : new TrainingState(state).WithBaseRate(rate));
        }
        return Trainings.Decision(stop, rate);
    }

    /// <summary>Trains a copy of the network on (x, y), holding out <see cref="ValidationSplit"/> of the rows if it is &gt; 0.</summary>
    /// <param name="network">The starting network (not modified).</param>
    /// <param name="x">Training inputs, one example per row.</param>
    /// <param name="y">Class labels or target rows.</param>
    /// <param name="progress">Receives an <see cref="EpochReport"/> after each epoch, on the training thread (optional).</param>
    /// <param name="cancellationToken">Polled before each minibatch.</param>
    /// <returns>The trained network, the history and how training ended.</returns>
    /// <exception cref="ArgumentException">Bad shapes, empty data, non-finite values (named by row and column), labels out of range, target values the loss does not take (named by parameter, row and column, checked before the split and the shuffles: cross-entropy targets in [0, 1], hinge and logistic −1 or 1, multiclass hinge one-hot), a loss that does not fit the output, or a validation split that leaves a part empty.</exception>
    /// <exception cref="TrainingCanceledException">Cancellation was requested (an <see cref="OperationCanceledException"/>); the network passed in is unchanged, and the exception's <see cref="TrainingCanceledException.PartialResult"/> holds the network and history reached.</exception>
    public TrainingResult Fit(Network network, Features x, Targets y, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        return FitFrom(network, null, x, y, progress, cancellationToken);
    }

    /// <summary>
    /// Continues a run from <paramref name="state"/> (an earlier <see cref="TrainingResult.State"/>, or the
    /// <see cref="TrainingCanceledException.PartialResult"/>'s after a cancellation) for <see cref="Epochs"/>
    /// more epochs, numbered on from <see cref="TrainingState.EpochsCompleted"/> + 1. With the same trainer
    /// settings and data, Fit for a epochs then Resume for b equals Fit for a + b epochs, bit for bit (weights
    /// and epoch reports, wall-clock times aside). The optimizer must be the one that made the state (its
    /// moments are that optimizer's); the learning rate, schedule and early stopping may change.
    /// </summary>
    /// <param name="state">Where the earlier run stands.</param>
    /// <param name="x">Training inputs (the same as the earlier run's, for one uninterrupted run).</param>
    /// <param name="y">Class labels or target rows.</param>
    /// <param name="progress">Receives an <see cref="EpochReport"/> after each epoch (optional).</param>
    /// <param name="cancellationToken">Polled before each minibatch.</param>
    /// <returns>The network, the history of the new epochs and how training ended, with the new <see cref="TrainingResult.State"/>.</returns>
    /// <exception cref="ArgumentException">Bad input as for <see cref="Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>, or a state made by another optimizer.</exception>
    /// <exception cref="TrainingCanceledException">Cancellation was requested; its <see cref="TrainingCanceledException.PartialResult"/> holds what training reached and a state to resume from.</exception>
    public TrainingResult Resume(TrainingState state, Features x, Targets y, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return FitFrom(state.Network, state, x, y, progress, cancellationToken);
    }

    /// <summary>Continues a run from <paramref name="state"/> for <see cref="Epochs"/> more epochs, monitoring the explicit validation set (see the other overload).</summary>
    /// <param name="state">Where the earlier run stands.</param>
    /// <param name="x">Training inputs.</param>
    /// <param name="y">Training labels or targets.</param>
    /// <param name="validationX">Validation inputs.</param>
    /// <param name="validationY">Validation labels or targets.</param>
    /// <param name="progress">Receives an <see cref="EpochReport"/> after each epoch (optional).</param>
    /// <param name="cancellationToken">Polled before each minibatch.</param>
    /// <returns>The network, the history of the new epochs and how training ended.</returns>
    /// <exception cref="ArgumentException">Bad input, a state made by another optimizer, or <see cref="ValidationSplit"/> is also set.</exception>
    /// <exception cref="TrainingCanceledException">Cancellation was requested.</exception>
    public TrainingResult Resume(TrainingState state, Features x, Targets y, Features validationX, Targets validationY, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return FitFrom(state.Network, state, x, y, validationX, validationY, progress, cancellationToken);
    }

    private TrainingResult FitFrom(Network network, TrainingState? state, Features x, Targets y, IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        CheckPrecisionAndPath();
        if (!UseReferencePath)
        {
            var train = PrepareRows(network, x, y, nameof(x), nameof(y));
            if (ValidationSplit == 0) return RunFast(network, state, train, null, nameof(x), nameof(x), progress, cancellationToken);
            var (trainRows, validRows) = ValidationRows(y.Labels, train.Rows.Length);
            // Both parts are rows of x: an input either holds is named as x's.
            return RunFast(network, state, Rules.Rows(train, trainRows),
                           Rules.Rows(train, validRows), nameof(x), nameof(x), progress, cancellationToken);
        }
        var (X, Y) = Prepare(network, x, y, nameof(x), nameof(y));
        if (ValidationSplit > 0)
        {
            var (train, valid) = ValidationRows(y.Labels, X.RowCount);
            var validation = Tuple.Create(Matrices.SelectRows(valid, X), Matrices.SelectRows(valid, Y));
            return Run(network, state, Matrices.SelectRows(train, X), Matrices.SelectRows(train, Y), validation, progress, cancellationToken);
        }
        return Run(network, state, X, Y, null, progress, cancellationToken);
    }

    /// <summary>Trains a copy of the network on (x, y), monitoring the explicit validation set (validationX, validationY).</summary>
    /// <param name="network">The starting network (not modified).</param>
    /// <param name="x">Training inputs.</param>
    /// <param name="y">Training labels or targets.</param>
    /// <param name="validationX">Validation inputs.</param>
    /// <param name="validationY">Validation labels or targets.</param>
    /// <param name="progress">Receives an <see cref="EpochReport"/> after each epoch (optional).</param>
    /// <param name="cancellationToken">Polled before each minibatch.</param>
    /// <returns>The trained network, the history and how training ended.</returns>
    /// <exception cref="ArgumentException">Bad input as for the other overload, or <see cref="ValidationSplit"/> is also set.</exception>
    /// <exception cref="TrainingCanceledException">Cancellation was requested; its <see cref="TrainingCanceledException.PartialResult"/> holds what training reached.</exception>
    public TrainingResult Fit(Network network, Features x, Targets y, Features validationX, Targets validationY, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        return FitFrom(network, null, x, y, validationX, validationY, progress, cancellationToken);
    }

    private TrainingResult FitFrom(Network network, TrainingState? state, Features x, Targets y, Features validationX, Targets validationY, IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        CheckPrecisionAndPath();
        if (ValidationSplit > 0)
            throw new ArgumentException("Give either ValidationSplit > 0 or an explicit validation set, not both.", nameof(validationX));
        if (!UseReferencePath)
            return RunFast(network, state, PrepareRows(network, x, y, nameof(x), nameof(y)),
                           PrepareRows(network, validationX, validationY, nameof(validationX), nameof(validationY)), nameof(x), nameof(validationX), progress, cancellationToken);
        var (X, Y) = Prepare(network, x, y, nameof(x), nameof(y));
        var (Xv, Yv) = Prepare(network, validationX, validationY, nameof(validationX), nameof(validationY));
        return Run(network, state, X, Y, Tuple.Create(Xv, Yv), progress, cancellationToken);
    }

    private static (int[] Train, int[] Validation) Pair(RowSplit s) => (s.First, s.Second);

    private (int[] Train, int[] Validation) ValidationRows(int[]? labels, int n)
    {
        if (labels is null) return Pair(Rules.Split(Seed, ValidationSplit, n));
        try { return Pair(Rules.StratifiedSplit(Seed, ValidationSplit, labels)); }
        catch (ArgumentException e) when (e.ParamName == "fraction")
        {
            throw new ArgumentException($"ValidationSplit = {ValidationSplit}: the stratified validation split of {n} rows fails: {e.Message}", nameof(ValidationSplit), e);
        }
    }

    private (Matrix<double>, Matrix<double>) Prepare(Network network, Features x, Targets y, string xName, string yName)
    {
        // Whether the loss fits the last layer comes first: it does not depend on the data.
        TrainingMessages.CheckLossFits(Loss.Core, network.Model);
        var X = DataConvert.Checked(x.ToMatrix(xName), network.InputCount, xName);
        var Y = y.ToMatrix(yName, network.OutputCount, Loss.Core);
        if (Y.RowCount != X.RowCount)
            throw new ArgumentException($"{xName} has {X.RowCount} rows but {yName} has {Y.RowCount}: give one target per example.", yName);
        CheckTargets(y, Y, yName);
        return (X, Y);
    }

    // The targets suit the loss (Loss.checkTargets). Labels for more than one output are encoded to
    // suit it (a one-hot row, or +1 at the label and −1 elsewhere for a sign loss) once their range is
    // checked, so only given targets and one-output labels (0/1 read as the loss takes them) are read.
    private void CheckTargets(Targets y, Matrix<double> Y, string yName)
    {
        if (y.Labels is null || Y.ColumnCount == 1) Rules.CheckTargets(yName, Loss.Core, Y);
    }

    /// <summary>
    /// The data as a row set for the fast path, checked once here: the caller's rows read in place
    /// when x holds a <c>double[][]</c> or a <c>float[][]</c>, else one row-major conversion of x.
    /// </summary>
    private RowSet PrepareRows(Network network, Features x, Targets y, string xName, string yName)
    {
        // Whether the loss fits the last layer comes first: it does not depend on the data.
        TrainingMessages.CheckLossFits(Loss.Core, network.Model);
        var inPlace = x.CheckedRows(xName);
        var inPlaceSingle = inPlace is null ? x.CheckedSingleRows(xName) : null;
        var (values, rows, cols) = inPlace is not null ? (Array.Empty<double>(), inPlace.Length, inPlace[0].Length)
                                 : inPlaceSingle is not null ? (Array.Empty<double>(), inPlaceSingle.Length, inPlaceSingle[0].Length)
                                 : x.ToRowMajor(xName);
        if (cols != network.InputCount)
            throw new ArgumentException($"{xName} has {cols} columns but the network takes {network.InputCount} inputs.", xName);
        var (yValues, yRows, yCols) = TargetRows(y, network.OutputCount, yName);
        if (yRows != rows)
            throw new ArgumentException($"{xName} has {rows} rows but {yName} has {yRows}: give one target per example.", yName);
        return inPlace is not null ? Rules.RowSetOfRows(inPlace, yValues, cols, yCols)
             : inPlaceSingle is not null ? Rules.RowSetOfSingleRows(inPlaceSingle, yValues, cols, yCols)
             : Rules.RowSet(values, yValues, cols, yCols);
    }

    // The targets row-major for the fast path, checked as CheckTargets checks them: labels for several
    // outputs are encoded straight into rows (no matrix), the rest go through the matrix and its check.
    private (double[] Values, int Rows, int Columns) TargetRows(Targets y, int outputs, string yName)
    {
        if (y.Labels is not null && outputs > 1) return y.LabelRows(yName, outputs, Loss.Core);
        var Y = y.ToMatrix(yName, outputs, Loss.Core);
        CheckTargets(y, Y, yName);
        return (Y.ToRowMajorArray(), Y.RowCount, Y.ColumnCount);
    }

    // The reference path computes in float64 (it is what verification compares against).
    private void CheckPrecisionAndPath()
    {
        if (UseReferencePath && Precision == Precision.Single)
            throw new ArgumentException("Precision.Single trains on the fast path; the reference path (UseReferencePath) computes in float64 only.", nameof(Precision));
    }

    private TrainingConfig Config() =>
        Trainings.Config(Loss.Core, Optimizer.Rule, Optimizer.LearningRate, Schedule.Core, WeightDecay, BatchSize, Epochs, Seed, Patience, MinDelta, RestoreBestWeights,
            Monitor == EarlyStoppingMetric.Accuracy, DivergenceFactor);

    private TrainingResult RunFast(Network network, TrainingState? state, RowSet train, RowSet? validation, string xName, string validationXName, IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        TrainingMessages.CheckLossFits(Loss.Core, network.Model);
        if (train.Rows.Length < 1) throw new ArgumentException("There are no training rows.", "x");
        var config = Config();
        Rules.Validate(config);
        Action<EpochView> report = r => progress?.Report(EpochReport.FromCore(r));
        Func<bool> stop = () => cancellationToken.IsCancellationRequested;
        return Result(Trainings.RunFast(config, network.Model, state?.Core!, train, validation!, report, stop, Decide, Precision == Precision.Single, xName, validationXName), cancellationToken);
    }

    private TrainingResult Run(Network network, TrainingState? state, Matrix<double> X, Matrix<double> Y, Tuple<Matrix<double>, Matrix<double>>? validation,
                               IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        TrainingMessages.CheckLossFits(Loss.Core, network.Model);
        if (X.RowCount < 1) throw new ArgumentException("There are no training rows.", "x");
        var config = Config();
        Action<EpochView> report = r => progress?.Report(EpochReport.FromCore(r));
        Func<bool> stop = () => cancellationToken.IsCancellationRequested;
        return Result(Trainings.Fit(config, network.Model, state?.Core!, X, Y, validation?.Item1!, validation?.Item2!, report, stop, Decide), cancellationToken);
    }

    private TrainingResult Result(TrainingRun outcome, CancellationToken cancellationToken)
    {
        var reason = StopReasons.FromCore(outcome.Detail.Reason);
        var result = new TrainingResult(new Network(outcome.Network, UseReferencePath ? Precision.Double : Precision), outcome.History.Select(EpochReport.FromCore).ToList().AsReadOnly(),
                                        reason, TrainingMessages.Describe(outcome.Detail, outcome.Restored, outcome.BestEpoch), outcome.BestEpoch, outcome.Restored,
                                        new TrainingState(outcome.State));
        if (reason == StopReason.Cancelled)
            throw new TrainingCanceledException("Training was cancelled: " + result.Message, result, cancellationToken);
        return result;
    }
}
