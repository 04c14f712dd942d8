using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary>The options of <c>hybrid train</c>.</summary>
public sealed class TrainSettings : NetworkSettings
{
    /// <summary>The optimiser.</summary>
    [CommandOption("-o|--optimizer <NAME>")]
    [Description("Optimiser: sgd, momentum, nesterov, adagrad, rmsprop, adam.")]
    [DefaultValue("adam")]
    public string Optimizer { get; init; } = "adam";

    /// <summary>The initial learning rate.</summary>
    [CommandOption("-r|--learning-rate <RATE>")]
    [Description("Initial learning rate (> 0).")]
    [DefaultValue(0.002)]
    public double LearningRate { get; init; } = 0.002;

    /// <summary>The learning-rate schedule.</summary>
    [CommandOption("--schedule <SCHEDULE>")]
    [Description("Learning-rate schedule: constant, step:EVERY:FACTOR (e.g. step:10:0.5), exp:FACTOR (e.g. exp:0.95).")]
    [DefaultValue("constant")]
    public string Schedule { get; init; } = "constant";

    /// <summary>The minibatch size.</summary>
    [CommandOption("-b|--batch-size <N>")]
    [Description("Examples per minibatch.")]
    [DefaultValue(32)]
    public int BatchSize { get; init; } = 32;

    /// <summary>The maximum number of epochs.</summary>
    [CommandOption("-e|--epochs <N>")]
    [Description("Maximum number of epochs (early stopping may end sooner); with --resume, the number of epochs to add.")]
    [DefaultValue(100)]
    public int Epochs { get; init; } = 100;

    /// <summary>L2 weight decay.</summary>
    [CommandOption("--l2 <LAMBDA>")]
    [Description("L2 weight decay λ ≥ 0 (adds λ·Σ‖W‖² to the loss).")]
    [DefaultValue(0.0005)]
    public double L2 { get; init; } = 0.0005;

    /// <summary>The share of the data held out for the test, as given (null: not given).</summary>
    [CommandOption("--test-split <FRACTION>")]
    [Description("Share of the rows held out (stratified) as the test set, in [[0, 1); 0: no test set. Default 0.2; not combinable with --test-file.")]
    public double? TestSplit { get; init; }

    /// <summary>The share of the data held out for the test: as given, else 0.2 without a test file and 0 with one.</summary>
    public double TestShare => TestSplit ?? (TestFile is null ? DefaultTestSplit : 0);

    /// <summary>The default of --test-split.</summary>
    public const double DefaultTestSplit = 0.2;

    /// <summary>A test set in its own file.</summary>
    [CommandOption("--test-file <PATH>")]
    [Description("Evaluate on this file (CSV, or an IDX image file with --test-labels; read with the same CSV options as the data) instead of a share of --data: every row of --data trains (less --validation-split), and the preprocessing is fitted on the training rows only.")]
    public string? TestFile { get; init; }

    /// <summary>The IDX labels of an IDX test file.</summary>
    [CommandOption("--test-labels <PATH>")]
    [Description("The IDX label file that goes with an IDX image file given as --test-file.")]
    public string? TestLabels { get; init; }

    /// <summary>The share of the training rows held out for validation.</summary>
    [CommandOption("--validation-split <FRACTION>")]
    [Description("Share of the training rows held out (stratified) for validation and early stopping, in [[0, 1).")]
    [DefaultValue(0.1)]
    public double ValidationSplit { get; init; } = 0.1;

    /// <summary>The early-stopping metric.</summary>
    [CommandOption("--early-stopping <METRIC>")]
    [Description("Early stopping on: loss (validation loss), accuracy (validation accuracy; coarse on a small validation set), or none. The best epoch's weights are kept.")]
    [DefaultValue("loss")]
    public string EarlyStopping { get; init; } = "loss";

    /// <summary>Early-stopping patience.</summary>
    [CommandOption("--patience <EPOCHS>")]
    [Description("Early stopping: stop after this many epochs without improvement.")]
    [DefaultValue(10)]
    public int Patience { get; init; } = 10;

    /// <summary>Preprocessing.</summary>
    [CommandOption("-p|--preprocess <TRANSFORM>")]
    [Description("Preprocessing fitted on the training rows and saved with the model: auto (image-like data with values 0..255 scaled to 0..1, other data standardised), none, standardize, pca:K (K components, or a share of variance such as pca:0.95), whiten.")]
    [DefaultValue("auto")]
    public string Preprocess { get; init; } = "auto";

    /// <summary>The output folder.</summary>
    [CommandOption("--output <DIR>")]
    [Description("Folder for model.json and report.html (default: runs/train-<data>-<time>).")]
    public string? Output { get; init; }

    /// <summary>Plain progress lines instead of the live display.</summary>
    [CommandOption("--plain")]
    [Description("Print one plain line per epoch instead of the live display (automatic when the output is redirected).")]
    public bool Plain { get; init; }

    /// <summary>The checkpoint file (model and training state); null: none, or the default on Ctrl+C.</summary>
    [CommandOption("--checkpoint <PATH>")]
    [Description("Write a resumable checkpoint (the model with its training state) to this file, atomically: every --checkpoint-every epochs (default 1), at the end of training and on Ctrl+C. Without it, Ctrl+C writes checkpoint.json in the --output folder.")]
    public string? Checkpoint { get; init; }

    /// <summary>Write the checkpoint every this many epochs.</summary>
    [CommandOption("--checkpoint-every <N>")]
    [Description("Write the checkpoint every N epochs (to --checkpoint, or checkpoint.json in the --output folder).")]
    public int? CheckpointEvery { get; init; }

    /// <summary>A checkpoint to continue from.</summary>
    [CommandOption("--resume <CHECKPOINT>")]
    [Description("Continue the run saved in this checkpoint for --epochs more epochs (additional epochs, numbered on from the checkpoint's, as Trainer.Resume does). Give the same data and settings as the first run: the result is then the model one uninterrupted run would have saved, bit for bit. A different --optimizer or a network that does not match is refused.")]
    public string? Resume { get; init; }

    /// <summary>The element type training computes in (the façade's <see cref="Hybrid.Precision"/>, by its member names).</summary>
    [CommandOption("--precision <PRECISION>")]
    [Description("The element type training computes in: double (float64, the default) or single (float32, as PyTorch and Keras train; about 1.4x the speed on an MLP). The model file holds the float32 weights widened to float64. Maxout trains in double only.")]
    [DefaultValue("double")]
    public string Precision { get; init; } = "double";

    /// <summary>--precision as the façade's value, read from the enum's own names (case-insensitive).</summary>
    public Hybrid.Precision? PrecisionValue =>
        Enum.GetValues<Hybrid.Precision>().Select(p => (Hybrid.Precision?)p).FirstOrDefault(p => string.Equals(p.ToString(), Precision, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether checkpoints are written after epochs (and at the end).</summary>
    public bool Checkpoints => Checkpoint is not null || CheckpointEvery is not null;

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (CheckpointEvery is int every && every < 1) return ValidationResult.Error($"--checkpoint-every: must be at least 1, got {every}.");
        if (BatchSize < 1) return ValidationResult.Error($"--batch-size: must be at least 1, got {BatchSize}.");
        if (Epochs < 1) return ValidationResult.Error($"--epochs: must be at least 1, got {Epochs}.");
        if (Patience < 0) return ValidationResult.Error($"--patience: must be at least 0, got {Patience}.");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) return ValidationResult.Error($"--learning-rate: must be a finite number > 0, got {LearningRate}.");
        if (!(L2 >= 0) || !double.IsFinite(L2)) return ValidationResult.Error($"--l2: must be a finite number >= 0, got {L2}.");
        if (TestSplit is double t && !(t >= 0 && t < 1)) return ValidationResult.Error($"--test-split: must lie in [0, 1), got {t}.");
        if (TestFile is not null && TestSplit is not null)
            return ValidationResult.Error("--test-split and --test-file contradict each other: with --test-file the test set is that file and no test split is taken from --data; give one of them.");
        if (TestLabels is not null && TestFile is null) return ValidationResult.Error("--test-labels: give it with --test-file (the IDX image file it labels).");
        if (!(ValidationSplit >= 0 && ValidationSplit < 1)) return ValidationResult.Error($"--validation-split: must lie in [0, 1), got {ValidationSplit}.");
        if (!(Dropout >= 0 && Dropout < 1)) return ValidationResult.Error($"--dropout: must lie in [0, 1), got {Dropout}.");
        if (PrecisionValue is null)
            return ValidationResult.Error($"--precision: '{Precision}' is not one of {string.Join(", ", Enum.GetNames<Hybrid.Precision>().Select(n => n.ToLowerInvariant()))}.");
        return ValidationResult.Success();
    }
}
