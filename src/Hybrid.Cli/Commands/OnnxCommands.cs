using System.ComponentModel;
using Hybrid.Cli.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary>The arguments of <c>hybrid export</c>.</summary>
public sealed class ExportSettings : CommandSettings
{
    /// <summary>The model file.</summary>
    [CommandArgument(0, "<MODEL>")]
    [Description("A model file written by `hybrid train` (model.json).")]
    public string Model { get; init; } = "";

    /// <summary>The ONNX file to write.</summary>
    [CommandArgument(1, "<OUTPUT>")]
    [Description("The ONNX model to write, e.g. model.onnx.")]
    public string Output { get; init; } = "";

    /// <summary>float32 instead of float64.</summary>
    [CommandOption("--float32")]
    [Description("Write float32 weights and standard ops (default: float64, which ONNX Runtime runs to 1e-12 of Hybrid's own outputs).")]
    public bool Float32 { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("MODEL: give a model file.")
        : string.IsNullOrWhiteSpace(Output) ? ValidationResult.Error("OUTPUT: give the ONNX file to write.")
        : ValidationResult.Success();
}

/// <summary><c>hybrid export MODEL OUTPUT</c>: writes the model (with its preprocessing in front, when it carries one) as an ONNX model (docs/onnx.md).</summary>
public sealed class ExportCommand(IAnsiConsole console) : Command<ExportSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        var model = ModelFile.Load(settings.Model);
        var precision = settings.Float32 ? OnnxPrecision.Single : OnnxPrecision.Double;
        model.ExportOnnx(settings.Output, precision);
        console.WriteLine($"{settings.Output}: ONNX opset 17, {(settings.Float32 ? "float32" : "float64")}, input \"{OnnxModel.InputName}\" [N, {model.InputCount}], output \"{OnnxModel.OutputName}\" [N, {model.Network.OutputCount}]; {model.Network}");
        return Program.Success;
    }
}

/// <summary>The arguments of <c>hybrid import</c>.</summary>
public sealed class ImportSettings : CommandSettings
{
    /// <summary>The ONNX file to read.</summary>
    [CommandArgument(0, "<ONNX>")]
    [Description("An ONNX model: one written by `hybrid export`, or a feed-forward model from another tool (e.g. torch.onnx.export of an nn.Sequential).")]
    public string Onnx { get; init; } = "";

    /// <summary>The model file to write.</summary>
    [CommandArgument(1, "<OUTPUT>")]
    [Description("The Hybrid model file to write (model.json), for evaluate, predict and gradcheck.")]
    public string Output { get; init; } = "";

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Onnx) ? ValidationResult.Error("ONNX: give an ONNX file.")
        : string.IsNullOrWhiteSpace(Output) ? ValidationResult.Error("OUTPUT: give the model file to write.")
        : ValidationResult.Success();
}

/// <summary><c>hybrid import ONNX OUTPUT</c>: reads an ONNX model (with its preprocessing prefix, when it has one) and saves it as a Hybrid model file.</summary>
public sealed class ImportCommand(IAnsiConsole console) : Command<ImportSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, ImportSettings settings, CancellationToken cancellationToken)
    {
        var model = OnnxModel.ImportModel(settings.Onnx);
        model.Save(settings.Output);
        console.WriteLine($"{settings.Output}: {model}");
        return Program.Success;
    }
}
