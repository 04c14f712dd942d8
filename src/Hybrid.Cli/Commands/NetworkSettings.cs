using System.ComponentModel;
using Hybrid.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary>The data and network options shared by <c>train</c> and <c>gradcheck</c>.</summary>
public class NetworkSettings : DataFileSettings
{
    /// <summary>The data set.</summary>
    [CommandOption("-d|--data <SOURCE>")]
    [Description("Data set: a built-in name (digits, iris, and, or, nand, xor, mnist, spiral, moons, circles, blobs), a CSV file, or an IDX image file (with --labels).")]
    [DefaultValue("digits")]
    public string Data { get; init; } = "digits";

    /// <summary>Hidden layer widths.</summary>
    [CommandOption("-l|--layers <WIDTHS>")]
    [Description("Hidden layer widths, comma-separated (\"none\" for no hidden layer). The input and output widths come from the data.")]
    [DefaultValue("64")]
    public string Layers { get; init; } = "64";

    /// <summary>The hidden activation.</summary>
    [CommandOption("-a|--activation <NAME>")]
    [ActivationsDescription("Hidden activation", hiddenOnly: true)]
    [DefaultValue("relu")]
    public string Activation { get; init; } = "relu";

    /// <summary>The output activation.</summary>
    [CommandOption("--output-activation <NAME>")]
    [Description("Output activation (softmax for classes; sigmoid for one-vs-rest).")]
    [DefaultValue("softmax")]
    public string OutputActivation { get; init; } = "softmax";

    /// <summary>The loss.</summary>
    [CommandOption("--loss <NAME>")]
    [Description("Loss: cross-entropy, binary-cross-entropy, mse, mae, sum-of-squares, hinge, multiclass-hinge, logistic.")]
    [DefaultValue("cross-entropy")]
    public string Loss { get; init; } = "cross-entropy";

    /// <summary>The weight initialiser.</summary>
    [CommandOption("--init <NAME>")]
    [Description("Initialiser: default (He for the ReLU family, Glorot otherwise), he, he-uniform, glorot, glorot-uniform, xavier (randn/sqrt(fan_in)), lecun, lecun-uniform, small (0.01 randn), large (randn), zeros.")]
    [DefaultValue("default")]
    public string Init { get; init; } = "default";

    /// <summary>Dropout after each hidden layer.</summary>
    [CommandOption("--dropout <RATE>")]
    [Description("Dropout rate in [[0, 1) after each hidden layer (0: none).")]
    [DefaultValue(0.0)]
    public double Dropout { get; init; }

    /// <summary>The seed of everything random.</summary>
    [CommandOption("-s|--seed <N>")]
    [Description("Seed of the initialiser, the splits, the shuffles and dropout: the same seed gives the same run.")]
    [DefaultValue(42)]
    public int Seed { get; init; } = 42;
}
