using Hybrid.Cli.Infrastructure;
using Hybrid.Core.Interop;

namespace Hybrid.Cli.Playground;

/// <summary>A named choice on the page: the façade object it stands for and the C# that creates it (for "Copy as C#").</summary>
/// <typeparam name="T">The façade type, or a factory taking a number (a seed or a learning rate).</typeparam>
/// <param name="Create">Makes the façade object.</param>
/// <param name="Code">The C# expression that makes the same object; "{0}" stands for the number.</param>
public sealed record Choice<T>(T Create, string Code);

/// <summary>The output layer and the loss trained against it.</summary>
/// <param name="Activation">The output activation.</param>
/// <param name="ActivationCode">Its C# expression.</param>
/// <param name="Loss">The loss.</param>
/// <param name="LossCode">Its C# expression.</param>
public sealed record OutputChoice(Activation Activation, string ActivationCode, Loss Loss, string LossCode);

/// <summary>The names the page offers, each mapped to the façade and to its C# spelling. One table serves the server and the code generator, so they cannot disagree.</summary>
public static class Choices
{
    /// <summary>The data sets: the generators of <see cref="Hybrid.Data.DataSets"/> and three logic gates.</summary>
    public static readonly IReadOnlyList<string> DataSets = ["spiral", "moons", "circles", "blobs", "xor", "and", "or"];

    /// <summary>Whether the set is a 4-row logic gate (no noise, no size, no test set).</summary>
    public static bool IsGate(string dataset) => dataset is "xor" or "and" or "or";

    /// <summary>The preprocessings of <see cref="Hybrid.Data.Preprocessor"/> (S30) fitted on the training rows.</summary>
    public static readonly IReadOnlyList<string> Preprocessings = ["none", "standardize", "whiten"];

    /// <summary>The precisions training may run in: the façade's <see cref="Hybrid.Precision"/> members, in lower case ("double", "single").</summary>
    public static readonly IReadOnlyList<string> Precisions = Array.ConvertAll(Enum.GetNames<Precision>(), n => n.ToLowerInvariant());

    /// <summary>The façade's precision of a name of <see cref="Precisions"/>.</summary>
    public static Precision PrecisionOf(string name) => Enum.GetValues<Precision>()[Array.IndexOf(Precisions.ToArray(), name)];

    /// <summary>
    /// Hidden-layer activations (S04): the registry's hidden ones (<see cref="Names.IsHidden"/>) under their command-line names,
    /// each made with its default hyper-parameter and spelled in C# as its <see cref="Activation"/> member.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Choice<Func<Activation>>> Activations =
        Activation.All.Where(Names.IsHidden).ToDictionary(a => a.CliName, a => new Choice<Func<Activation>>(a.Create, CodeOf(a)));

    /// <summary>The C# that makes the activation with its default hyper-parameter: "Activation.ReLU", "Activation.LeakyReLU()".</summary>
    /// <param name="a">The activation.</param>
    /// <returns>The C# expression.</returns>
    public static string CodeOf(ActivationInfo a) => $"Activation.{a.Name}{(a.ParameterName is null ? "" : "()")}";

    /// <summary>Output layer and loss pairs (S20, S22, S23).</summary>
    public static readonly IReadOnlyDictionary<string, OutputChoice> Outputs = new Dictionary<string, OutputChoice>
    {
        ["softmax-cross-entropy"] = new(Activation.Softmax, "Activation.Softmax", Loss.CrossEntropy, "Loss.CrossEntropy"),
        ["softmax-mse"] = new(Activation.Softmax, "Activation.Softmax", Loss.MeanSquaredError, "Loss.MeanSquaredError"),
        ["identity-multiclass-hinge"] = new(Activation.Identity, "Activation.Identity", Loss.MulticlassHinge, "Loss.MulticlassHinge"),
    };

    /// <summary>Initialisers by name (S31), each taking the seed: the rows of the core's table (InitializerRegistry) the playground offers; "xavier" is the slides' randn/√fan_in (LeCun normal), as on the command line.</summary>
    public static readonly IReadOnlyDictionary<string, Choice<Func<int, Initializer>>> Initializers =
        Registries.Initializers.Where(e => e.Playground is not null).ToDictionary(e => e.Playground,
            e => new Choice<Func<int, Initializer>>(seed => CSharpSpelling.Make<Initializer>(e.CSharp, "init", CSharpSpelling.Text(seed)), e.CSharp));

    /// <summary>Optimisers by name (S27, S28 and the adaptive rules), each taking the learning rate: the rows of the core's table (UpdateRuleRegistry) the playground offers.</summary>
    public static readonly IReadOnlyDictionary<string, Choice<Func<double, Optimizer>>> Optimizers =
        Registries.UpdateRules.Where(e => e.Playground is not null).ToDictionary(e => e.Playground,
            e => new Choice<Func<double, Optimizer>>(lr => CSharpSpelling.Make<Optimizer>(e.CSharp, "learningRate", CSharpSpelling.Text(lr)), e.CSharp));
}
