namespace Hybrid;

/// <summary>
/// What you declare about your own activation besides g and g′ (docs/extending.md): its formula for messages, its kinks,
/// where it is defined, where its derivative law draws from, and whether it saturates. Every property has a default.
/// </summary>
public sealed class ActivationOptions
{
    /// <summary>g and g′ in one line, shown in reports and explanations (default: the name).</summary>
    public string? Formula { get; init; }

    /// <summary>The points where g′ is not defined (ReLU's 0): the derivative law keeps its steps away from them. Default: none.</summary>
    public IReadOnlyList<double> Kinks { get; init; } = [];

    /// <summary>The lower end of the interval where g is defined (default −∞).</summary>
    public double DomainMin { get; init; } = double.NegativeInfinity;

    /// <summary>The upper end of the interval where g is defined (default +∞).</summary>
    public double DomainMax { get; init; } = double.PositiveInfinity;

    /// <summary>The derivative law draws z from [−r, r] inside the domain (default 10).</summary>
    public double LawRange { get; init; } = 10;

    /// <summary>Whether g′(z) → 0 and g flattens as z → −∞ (sigmoid, tanh, softplus): checked when true. Default false.</summary>
    public bool SaturatesBelow { get; init; }

    /// <summary>Whether g′(z) → 0 and g flattens as z → +∞ (sigmoid, tanh): checked when true. Default false.</summary>
    public bool SaturatesAbove { get; init; }
}
