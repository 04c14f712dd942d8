namespace Hybrid;

/// <summary>
/// What you declare about your own activation besides g and g′ (docs/extending.md): its formula for messages, its kinks,
/// where it is defined, where its derivative law draws from, whether it saturates, and its ONNX expression. Every property
/// has a default.
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

    /// <summary>
    /// g written in ONNX's standard ops, so that a network with it exports to ONNX (docs/extending.md, docs/onnx.md); null
    /// (the default) for none, and then export refuses the network, naming the activation. The spelling: <c>Z</c> is the
    /// input, a number is a constant (invariant culture: <c>0.5</c>, <c>-1</c>, <c>1e-3</c>), and <c>Op(arg, arg, …)</c> is a
    /// standard ONNX op of the exporter's opset, as in <c>Mul(Z, Sigmoid(Z))</c> for Swish. Attributes (<c>axis=-1</c>)
    /// cannot be written. The model holds it as a function of domain <c>hybrid</c> named by the activation, used in float32
    /// and float64 alike, so pick ops that ONNX Runtime runs in double (it has no double Softplus: write
    /// <c>Add(Max(Z, 0), Log(Add(1, Exp(Neg(Abs(Z))))))</c>). Export evaluates the expression without ONNX at a few points and
    /// refuses it where it differs from g (an expression with an op the evaluator does not know goes unchecked); test the
    /// export against <c>Predict</c> too. The text is read when the definition is made: a malformed expression (with the position
    /// and what was expected there), or one that never reads Z, is an <see cref="ArgumentException"/> naming <c>options</c>.
    /// </summary>
    public string? Onnx { get; init; }
}
