using Hybrid.Core.Interop;
using CoreActivation = Hybrid.Core.Activation;

namespace Hybrid;

/// <summary>
/// Your own element-wise activation, defined but not yet registered (course item S04; docs/extending.md). Check it with
/// <see cref="Verification.Check(ActivationDefinition, VerificationOptions?)"/>, then register it with
/// <see cref="Activation.Register(ActivationDefinition, bool)"/> to train with it and save models that use it.
/// </summary>
public sealed class ActivationDefinition
{
    internal CoreActivation Core { get; }

    private ActivationDefinition(CoreActivation core) => Core = core;

    /// <summary>
    /// Defines an activation from a struct implementing <see cref="IActivationFunction"/>: the fast path's loops are
    /// specialised to it (as fast as a built-in written entry by entry).
    /// </summary>
    /// <typeparam name="TFunction">The struct with g and g′.</typeparam>
    /// <param name="name">
    /// The name it is registered and saved under: ASCII letters, digits, '-', '_' and '.', at most 64 characters, not the
    /// name of a built-in activation.
    /// </param>
    /// <param name="options">Its formula, kinks, domain, saturation and ONNX expression (defaults when null).</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">
    /// The name is not valid, or the options are not (an empty domain, a law range that is not a finite number &gt; 0, a kink that
    /// is not finite, an <see cref="ActivationOptions.Onnx"/> expression that is malformed or never reads Z).
    /// </exception>
    public static ActivationDefinition Create<TFunction>(string name, ActivationOptions? options = null) where TFunction : struct, IActivationFunction
    {
        ArgumentNullException.ThrowIfNull(name);
        var o = options ?? new ActivationOptions();
        return new(Extending.DefineActivation<ActivationAdapter<TFunction>>(
            name, o.Formula, Kinks(o), o.DomainMin, o.DomainMax, o.LawRange, o.SaturatesBelow, o.SaturatesAbove, o.Onnx));
    }

    /// <summary>
    /// Defines an activation from two functions: g(z), and g′(z, a) with a = g(z). Convenient; each entry costs two delegate
    /// calls that cannot be inlined (an MLP epoch with ReLU as lambdas ran at 0.75× the built-in ReLU's speed, as a struct at
    /// 0.86×; docs/benchmarks/2026-12-06-user-ops.md).
    /// </summary>
    /// <param name="name">The name it is registered and saved under (the rules of <see cref="Create{TFunction}"/>).</param>
    /// <param name="value">g(z).</param>
    /// <param name="derivative">g′(z, a), a = g(z).</param>
    /// <param name="options">Its formula, kinks, domain, saturation and ONNX expression (defaults when null).</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">A function is null, the name is not valid, or the options are not.</exception>
    public static ActivationDefinition Create(string name, Func<double, double> value, Func<double, double, double> derivative, ActivationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(derivative);
        var o = options ?? new ActivationOptions();
        return new(Extending.DefineActivation(
            name, value, derivative, o.Formula, Kinks(o), o.DomainMin, o.DomainMax, o.LawRange, o.SaturatesBelow, o.SaturatesAbove, o.Onnx));
    }

    private static double[] Kinks(ActivationOptions o) =>
        o.Kinks is null ? throw new ArgumentException("Kinks must not be null (leave it unset for none).", "options") : o.Kinks.ToArray();

    /// <summary>The name it is registered and saved under.</summary>
    public string Name => Activations.CaseName(Core);

    /// <summary>g(z) for each entry of <paramref name="z"/>, through the same loop training runs.</summary>
    /// <param name="z">Pre-activations.</param>
    /// <returns>A new array.</returns>
    public double[] Apply(double[] z)
    {
        ArgumentNullException.ThrowIfNull(z);
        return Activations.Apply(Core, z);
    }

    /// <summary>g′(z) for each entry of <paramref name="z"/>, through the same loop training runs.</summary>
    /// <param name="z">Pre-activations.</param>
    /// <returns>A new array.</returns>
    public double[] Derivative(double[] z)
    {
        ArgumentNullException.ThrowIfNull(z);
        return Activations.Derivative(Core, z);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
