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

    /// <summary>The same state with the base learning rate a callback set.</summary>
    internal TrainingState WithBaseRate(double rate) => new(Trainings.WithBaseRate(Core, rate));

    // ------------------------------------------------------------------ checkpoints

    /// <summary>
    /// Saves the state as a checkpoint: a model file (docs/model-format.md) of the current weights
    /// with a "training" section (format version 3) holding everything else: the epochs completed,
    /// the optimizer (its name and hyper-parameters), its step count and moments, the best epoch,
    /// its value and weights (if kept), early stopping's counter, the first loss J0 and the base
    /// rate a callback set. Every number round-trips bit for bit, so
    /// <see cref="Trainer.Resume(TrainingState, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>
    /// from the loaded state equals resuming from this one. The save is atomic, as
    /// <see cref="Network.Save(string)"/>'s: a process killed mid-save leaves the previous file intact.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names an existing directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written (an I/O error).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public void Save(string path) => ModelFormat.Save(Trainings.NetworkOf(Core), path, null, Core);

    /// <summary>Saves the checkpoint with a model's preprocessing and class names (the command line's), so that it also loads as that <see cref="Model"/>.</summary>
    internal void Save(string path, Model model) => ModelFormat.Save(Trainings.NetworkOf(Core), path, model.Extras, Core);

    /// <summary>Loads a checkpoint written by <see cref="Save(string)"/>, with the default <see cref="ModelLimits"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>The state: its <see cref="Network"/> is the weights to continue from.</returns>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, names a directory, or names something other than a regular file.</exception>
    /// <exception cref="FileNotFoundException">The file (or its directory) does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model, its "training" section is invalid (the message names the key), or it is a plain model file with no training state.</exception>
    public static TrainingState Load(string path) => Load(path, ModelLimits.Default);

    /// <summary>Loads a checkpoint under the given limits (the whole file, the section included, counts against <see cref="ModelLimits.MaxFileBytes"/>).</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="limits">The size and layer limits.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ArgumentNullException">limits is null.</exception>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, names a directory, or names something other than a regular file.</exception>
    /// <exception cref="FileNotFoundException">The file (or its directory) does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model, its "training" section is invalid, or it has no training state.</exception>
    public static TrainingState Load(string path, ModelLimits limits) => FromContents(ModelFormat.LoadContents(path, limits), path);

    /// <summary>Loads a checkpoint with the model it carries (its preprocessing and class names, if any).</summary>
    internal static (TrainingState State, Model Model) LoadWithModel(string path)
    {
        var contents = ModelFormat.LoadContents(path, ModelLimits.Default);
        return (FromContents(contents, path), Model.FromContents(contents));
    }

    private static TrainingState FromContents(ModelContents contents, string path) =>
        contents.State is { } state ? new TrainingState(state)
        : throw new InvalidDataException($"'{path}' has no training state: it is a model file without a \"training\" section, not a checkpoint (write one with TrainingState.Save).");
}
