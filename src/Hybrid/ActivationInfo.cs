using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// One activation as the core's registry describes it (course item S04): the names it goes by in the
/// façade, the model file, the command line and the playground, its formula, and its hyper-parameter.
/// Every table of activation names (model files, the <c>hybrid</c> command line, the playground) is
/// read from <see cref="Activation.All"/>.
/// </summary>
public sealed class ActivationInfo
{
    private readonly ActivationCase _case;

    private ActivationInfo(ActivationCase c) => _case = c;

    internal static ActivationInfo Of(ActivationCase c) => new(c);

    /// <summary>The <see cref="Activation"/> member that makes it: "LeakyReLU".</summary>
    public string Name => _case.CaseName;

    /// <summary>Its name in a model file: "leakyRelu" (docs/model-format.md).</summary>
    public string FileName => _case.FileName;

    /// <summary>Its name on the <c>hybrid</c> command line and in the playground: "leaky-relu".</summary>
    public string CliName => _case.CliName;

    /// <summary>Its title for people: "Leaky ReLU".</summary>
    public string DisplayName => _case.Display;

    /// <summary>g and g′ in one line: "g(z) = max(a·z, z); g′(z) = 1 if z &gt; 0 else a".</summary>
    public string Formula => _case.Formula;

    /// <summary>The course items that teach it: "S04".</summary>
    public string Course => _case.Course;

    /// <summary>The name of its hyper-parameter ("slope" for leaky ReLU, "alpha" for PReLU and ELU), or null when it has none.</summary>
    public string? ParameterName => _case.ParameterName;

    /// <summary>The hyper-parameter's default (the default argument of its <see cref="Activation"/> method), or null when it has none.</summary>
    public double? DefaultParameter => _case.DefaultParameter;

    /// <summary>Whether it acts entry by entry (false for softmax and log-softmax, which act on each row).</summary>
    public bool IsElementwise => _case.IsElementwise;

    /// <summary>The activation, with its default hyper-parameter if it has one (<c>Activation.LeakyReLU()</c>).</summary>
    /// <returns>The activation.</returns>
    public Activation Create() => Activation.FromCore(_case.CreateDefault());

    /// <summary>The activation with hyper-parameter <paramref name="parameter"/> (ignored when it has none).</summary>
    /// <param name="parameter">The slope or α.</param>
    /// <returns>The activation.</returns>
    /// <exception cref="ArgumentException">The parameter is outside the activation's range (as its <see cref="Activation"/> method).</exception>
    public Activation Create(double parameter) => Activation.FromCore(_case.Create(parameter, nameof(parameter)));

    /// <inheritdoc />
    public override string ToString() => Name;
}
