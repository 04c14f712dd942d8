using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary>The arguments of <c>evaluate</c> and <c>predict</c>: a saved model and a data set.</summary>
public class ModelDataSettings : DataFileSettings
{
    /// <summary>The model file.</summary>
    [CommandArgument(0, "<MODEL>")]
    [Description("A model file written by `hybrid train` (model.json).")]
    public string Model { get; init; } = "";

    /// <summary>The data.</summary>
    [CommandArgument(1, "<DATA>")]
    [Description("Data: a built-in name, a CSV file or an IDX image file (with --labels).")]
    public string Data { get; init; } = "";

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("MODEL: give a model file.")
        : string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("DATA: give a data set.")
        : ValidationResult.Success();
}

/// <summary>The options of <c>hybrid evaluate</c>.</summary>
public sealed class EvaluateSettings : ModelDataSettings
{
    /// <summary>Where to write the report.</summary>
    [CommandOption("--report <FILE>")]
    [Description("Also write an HTML report (the confusion matrix as a heat map) to this file.")]
    public string? Report { get; init; }
}

/// <summary>The options of <c>hybrid predict</c>.</summary>
public sealed class PredictSettings : ModelDataSettings
{
    /// <summary>Where to write the CSV.</summary>
    [CommandOption("--output <FILE>")]
    [Description("Write the CSV to this file instead of the standard output.")]
    public string? Output { get; init; }
}
