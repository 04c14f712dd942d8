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
    [Description("Maximum number of epochs (early stopping may end sooner).")]
    [DefaultValue(100)]
    public int Epochs { get; init; } = 100;

    /// <summary>L2 weight decay.</summary>
    [CommandOption("--l2 <LAMBDA>")]
    [Description("L2 weight decay λ ≥ 0 (adds λ·Σ‖W‖² to the loss).")]
    [DefaultValue(0.0005)]
    public double L2 { get; init; } = 0.0005;

    /// <summary>The share of the data held out for the test.</summary>
    [CommandOption("--test-split <FRACTION>")]
    [Description("Share of the rows held out (stratified) as the test set, in [[0, 1); 0: no test set.")]
    [DefaultValue(0.2)]
    public double TestSplit { get; init; } = 0.2;

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

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (BatchSize < 1) return ValidationResult.Error($"--batch-size: must be at least 1, got {BatchSize}.");
        if (Epochs < 1) return ValidationResult.Error($"--epochs: must be at least 1, got {Epochs}.");
        if (Patience < 0) return ValidationResult.Error($"--patience: must be at least 0, got {Patience}.");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) return ValidationResult.Error($"--learning-rate: must be a finite number > 0, got {LearningRate}.");
        if (!(L2 >= 0) || !double.IsFinite(L2)) return ValidationResult.Error($"--l2: must be a finite number >= 0, got {L2}.");
        if (!(TestSplit >= 0 && TestSplit < 1)) return ValidationResult.Error($"--test-split: must lie in [0, 1), got {TestSplit}.");
        if (!(ValidationSplit >= 0 && ValidationSplit < 1)) return ValidationResult.Error($"--validation-split: must lie in [0, 1), got {ValidationSplit}.");
        if (!(Dropout >= 0 && Dropout < 1)) return ValidationResult.Error($"--dropout: must lie in [0, 1), got {Dropout}.");
        return ValidationResult.Success();
    }
}
