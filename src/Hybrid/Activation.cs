using CoreActivation = Hybrid.Core.Activation;

namespace Hybrid;

/// <summary>
/// An activation function g applied to a layer's pre-activation Z = X·W + 1·b (course item S04).
/// Each value wraps one case of the F# core's activation; the façade adds no math.
/// </summary>
public sealed class Activation : IEquatable<Activation>
{
    internal CoreActivation Core { get; }

    private Activation(CoreActivation core) => Core = core;

    internal static Activation FromCore(CoreActivation core) => new(core);

    /// <summary>g(z) = z.</summary>
    public static Activation Identity { get; } = new(CoreActivation.Identity);

    /// <summary>g(z) = 1 if z ≥ 0 else 0 (its derivative is 0 everywhere, so it does not learn by backpropagation).</summary>
    public static Activation BinaryStep { get; } = new(CoreActivation.BinaryStep);

    /// <summary>Logistic sigmoid g(z) = 1 / (1 + e^(−z)).</summary>
    public static Activation Sigmoid { get; } = new(CoreActivation.Sigmoid);

    /// <summary>Hyperbolic tangent g(z) = tanh z.</summary>
    public static Activation Tanh { get; } = new(CoreActivation.Tanh);

    /// <summary>g(z) = arctan z.</summary>
    public static Activation Arctan { get; } = new(CoreActivation.Arctan);

    /// <summary>g(z) = max(0, z), with g′(0) = 0.</summary>
    public static Activation ReLU { get; } = new(CoreActivation.ReLU);

    /// <summary>g(z) = ln(1 + e^z).</summary>
    public static Activation SoftPlus { get; } = new(CoreActivation.SoftPlus);

    /// <summary>Row-wise softmax p_j = e^(z_j) / Σ_k e^(z_k) (computed with the row maximum subtracted).</summary>
    public static Activation Softmax { get; } = new(CoreActivation.Softmax);

    /// <summary>
    /// Row-wise log-softmax l_j = z_j − log Σ_k e^(z_k), the log of <see cref="Softmax"/> (computed with the row maximum
    /// subtracted, so it stays finite where softmax rounds to 0). PyTorch's <c>LogSoftmax(dim=1)</c>; cross-entropy does not
    /// pair with it (use <see cref="Softmax"/>), any other loss does.
    /// </summary>
    public static Activation LogSoftmax { get; } = new(CoreActivation.LogSoftmax);

    /// <summary>Leaky ReLU g(z) = max(a·z, z) with a fixed slope a in [0, 1).</summary>
    /// <param name="slope">The slope a for z &lt; 0, in [0, 1); the course uses 0.01 or 0.1.</param>
    /// <exception cref="ArgumentException">The slope is not in [0, 1).</exception>
    public static Activation LeakyReLU(double slope = 0.01) => Checked(CoreActivation.NewLeakyReLU(slope), nameof(slope));

    /// <summary>Parametric ReLU g(z) = z if z &gt; 0 else α·z, with α learned by backpropagation (one α per layer).</summary>
    /// <param name="alpha">The initial α; must be finite.</param>
    /// <exception cref="ArgumentException">α is NaN or infinite.</exception>
    public static Activation PReLU(double alpha = 0.25) => Checked(CoreActivation.NewPReLU(alpha), nameof(alpha));

    /// <summary>Exponential linear unit g(z) = z if z &gt; 0 else α(e^z − 1).</summary>
    /// <param name="alpha">α ≥ 0.</param>
    /// <exception cref="ArgumentException">α is negative, NaN or infinite.</exception>
    public static Activation ELU(double alpha = 1.0) => Checked(CoreActivation.NewELU(alpha), nameof(alpha));

    private static Activation Checked(CoreActivation core, string paramName)
    {
        Hybrid.Core.ActivationModule.validate(paramName, core);
        return new Activation(core);
    }

    /// <summary>A readable name such as "ReLU" or "LeakyReLU(0.01)".</summary>
    public string Name => Hybrid.Core.ActivationModule.name(Core);

    /// <summary>The parameter of LeakyReLU (slope), PReLU (α, the learned value in a trained network) or ELU (α); null for the others.</summary>
    public double? Parameter => Core switch
    {
        CoreActivation.LeakyReLU l => l.slope,
        CoreActivation.PReLU p => p.alpha,
        CoreActivation.ELU e => e.alpha,
        _ => null,
    };

    /// <inheritdoc />
    public bool Equals(Activation? other) => other is not null && Core.Equals(other.Core);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Activation);

    /// <inheritdoc />
    public override int GetHashCode() => Core.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Name;
}
