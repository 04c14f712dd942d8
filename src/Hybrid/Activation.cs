using Hybrid.Core.Interop;
using MathNet.Numerics.LinearAlgebra;
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
    public static Activation Identity { get; } = Of(nameof(Identity));

    /// <summary>g(z) = 1 if z ≥ 0 else 0 (its derivative is 0 everywhere, so it does not learn by backpropagation).</summary>
    public static Activation BinaryStep { get; } = Of(nameof(BinaryStep));

    /// <summary>Logistic sigmoid g(z) = 1 / (1 + e^(−z)).</summary>
    public static Activation Sigmoid { get; } = Of(nameof(Sigmoid));

    /// <summary>Hyperbolic tangent g(z) = tanh z.</summary>
    public static Activation Tanh { get; } = Of(nameof(Tanh));

    /// <summary>g(z) = arctan z.</summary>
    public static Activation Arctan { get; } = Of(nameof(Arctan));

    /// <summary>g(z) = max(0, z), with g′(0) = 0.</summary>
    public static Activation ReLU { get; } = Of(nameof(ReLU));

    /// <summary>g(z) = ln(1 + e^z).</summary>
    public static Activation SoftPlus { get; } = Of(nameof(SoftPlus));

    /// <summary>
    /// Swish, also called SiLU: g(z) = z·σ(z), with g′(z) = σ(z)(1 + z(1 − σ(z))) (Ramachandran, Zoph and Le 2017;
    /// PyTorch's <c>SiLU</c>). Smooth and non-monotonic: its minimum is about −0.278 near z ≈ −1.278.
    /// </summary>
    public static Activation Swish { get; } = Of(nameof(Swish));

    /// <summary>Row-wise softmax p_j = e^(z_j) / Σ_k e^(z_k) (computed with the row maximum subtracted).</summary>
    public static Activation Softmax { get; } = Of(nameof(Softmax));

    /// <summary>
    /// Row-wise log-softmax l_j = z_j − log Σ_k e^(z_k), the log of <see cref="Softmax"/> (computed with the row maximum
    /// subtracted, so it stays finite where softmax rounds to 0). PyTorch's <c>LogSoftmax(dim=1)</c>; cross-entropy does not
    /// pair with it (use <see cref="Softmax"/>), any other loss does.
    /// </summary>
    public static Activation LogSoftmax { get; } = Of(nameof(LogSoftmax));

    /// <summary>Leaky ReLU g(z) = max(a·z, z) with a fixed slope a in [0, 1).</summary>
    /// <param name="slope">The slope a for z &lt; 0, in [0, 1); the course uses 0.01 or 0.1.</param>
    /// <exception cref="ArgumentException">The slope is not in [0, 1).</exception>
    public static Activation LeakyReLU(double slope = 0.01) => Of(nameof(LeakyReLU), slope, nameof(slope));

    /// <summary>Parametric ReLU g(z) = z if z &gt; 0 else α·z, with α learned by backpropagation (one α per layer).</summary>
    /// <param name="alpha">The initial α; must be finite.</param>
    /// <exception cref="ArgumentException">α is NaN or infinite.</exception>
    public static Activation PReLU(double alpha = 0.25) => Of(nameof(PReLU), alpha, nameof(alpha));

    /// <summary>Exponential linear unit g(z) = z if z &gt; 0 else α(e^z − 1).</summary>
    /// <param name="alpha">α ≥ 0.</param>
    /// <exception cref="ArgumentException">α is negative, NaN or infinite.</exception>
    public static Activation ELU(double alpha = 1.0) => Of(nameof(ELU), alpha, nameof(alpha));

    /// <summary>
    /// Registers your own activation so that networks train with it and model files name it (docs/extending.md). By default
    /// it first runs <see cref="Verification"/>'s laws on 30 cases and refuses a definition that fails one; pass
    /// <c>verify: false</c> to skip them (for a definition you have checked in your own tests). Registering the same
    /// definition again returns the same activation. Registration lasts for the process: register your activations at
    /// start-up, before loading a model file that names them.
    /// </summary>
    /// <param name="definition">The activation.</param>
    /// <param name="verify">Whether to run the laws first (default true).</param>
    /// <returns>The activation, to pass to a layer.</returns>
    /// <exception cref="VerificationException">A law failed (the message is the report with the counterexample).</exception>
    /// <exception cref="ArgumentException">The definition is null, or another definition is registered under its name.</exception>
    public static Activation Register(ActivationDefinition definition, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (verify) Verification.Check(definition, VerificationOptions.Fast).ThrowIfFailed();
        Extending.Register(definition.Core);
        return new(definition.Core);
    }

    /// <summary>Whether this is one of your own activations (<see cref="Register"/>) rather than a built-in.</summary>
    public bool IsUserDefined => Extending.IsUserDefined(Core);

    // The registry's entry named like the member that calls this (nameof), so a member and its entry cannot drift apart.
    private static Activation Of(string caseName, double parameter = 0, string paramName = "activation") =>
        new(Activations.Create(caseName, parameter, paramName));

    /// <summary>
    /// Every activation, in the order the docs list them: its names in model files, on the command line and in the
    /// playground, its formula and its hyper-parameter's default. Read from the core's registry, so every table of
    /// activation names is read from here.
    /// </summary>
    public static IReadOnlyList<ActivationInfo> All { get; } = Array.AsReadOnly(Array.ConvertAll(Activations.All, ActivationInfo.Of));

    /// <summary>The registry's description of this activation (its names, formula and hyper-parameter).</summary>
    public ActivationInfo Info => ActivationInfo.Of(Activations.Of(Core));

    /// <summary>The core's case name ("LeakyReLU" for LeakyReLU(0.01)).</summary>
    internal string CaseName => Activations.CaseName(Core);

    /// <summary>
    /// The element-wise derivative g′(z) at each entry of <paramref name="z"/> (course item S04):
    /// σ′(z) = σ(z)(1 − σ(z)), tanh′(z) = 1 − tanh²z, ReLU′(z) = 1 if z &gt; 0 else 0, LeakyReLU′ and
    /// PReLU′ = 1 or a, ELU′ = 1 or α·e^z, SoftPlus′ = σ(z), arctan′ = 1/(1 + z²), identity′ = 1,
    /// step′ = 0 (docs/activations.md). The core's <c>Activation.derivative</c>.
    /// </summary>
    /// <param name="z">Pre-activations.</param>
    /// <returns>A new array of g′(z_i).</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="z"/> is null; or the activation is <see cref="Softmax"/> or <see cref="LogSoftmax"/>, whose
    /// derivative is a Jacobian per row, not element-wise: use <see cref="Backward"/> for their vector-Jacobian product.
    /// </exception>
    public double[] Derivative(double[] z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (!Info.IsElementwise)
            throw new ArgumentException(
                $"{Name} has no element-wise derivative: its Jacobian couples the entries of a row. " +
                $"Call Activation.{Name}.Backward(z, dA) for dZ, the vector-Jacobian product with the gradient dA.",
                nameof(z));
        return Activations.Derivative(Core, z);
    }

    /// <summary>
    /// Backpropagation through the activation (course items S04, S16's BP2, S22): from dA = ∂L/∂A, the gradient of a
    /// loss L with respect to the output A = g(Z), gives dZ = ∂L/∂Z. For the element-wise activations dZ = dA ⊙ g′(Z);
    /// for <see cref="Softmax"/>, per row with p = softmax(z), dz = p ⊙ (da − (da·p)) (the vector-Jacobian product with
    /// J = diag(p) − p·pᵀ); for <see cref="LogSoftmax"/>, dz = da − p·Σ_j da_j. PReLU's gradient with respect to α is
    /// <see cref="AlphaGradient"/>. The core's <c>Activation.backward</c>.
    /// </summary>
    /// <param name="z">Pre-activations Z, one example per row (n×m).</param>
    /// <param name="dA">The gradient with respect to the activation's output, the same shape as <paramref name="z"/>.</param>
    /// <returns>A new n×m array dZ.</returns>
    /// <exception cref="ArgumentException">Either array is null, or the two shapes differ (the message gives both).</exception>
    public double[,] Backward(double[,] z, double[,] dA)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(dA);
        return Activations.Backward(Core, Matrix<double>.Build.DenseOfArray(z), Matrix<double>.Build.DenseOfArray(dA)).ToArray();
    }

    /// <summary>
    /// PReLU's gradient with respect to its learned α (one α shared by the layer; course item S04):
    /// ∂L/∂α = Σ_ij dA_ij · (z_ij if z_ij ≤ 0 else 0), since ∂g/∂α = z for z ≤ 0 and 0 above. Every other activation has
    /// no learned parameter, so its α-gradient is 0. The core's <c>Activation.alphaGradient</c>.
    /// </summary>
    /// <param name="z">Pre-activations Z, one example per row (n×m).</param>
    /// <param name="dA">The gradient with respect to the activation's output, the same shape as <paramref name="z"/>.</param>
    /// <returns>∂L/∂α (0 for an activation other than PReLU).</returns>
    /// <exception cref="ArgumentException">Either array is null, or the two shapes differ (the message gives both).</exception>
    public double AlphaGradient(double[,] z, double[,] dA)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(dA);
        return Activations.AlphaGradient(Core, Matrix<double>.Build.DenseOfArray(z), Matrix<double>.Build.DenseOfArray(dA));
    }

    /// <summary>g(z) for the one row <paramref name="z"/> (element-wise; softmax over the row).</summary>
    /// <param name="z">Pre-activations.</param>
    /// <returns>A new array.</returns>
    public double[] Apply(double[] z)
    {
        ArgumentNullException.ThrowIfNull(z);
        return Activations.Apply(Core, z);
    }

    /// <summary>A readable name such as "ReLU" or "LeakyReLU(0.01)".</summary>
    public string Name => Activations.Name(Core);

    /// <summary>The parameter of LeakyReLU (slope), PReLU (α, the learned value in a trained network) or ELU (α); null for the others.</summary>
    public double? Parameter => Activations.Parameter(Core);

    /// <inheritdoc />
    public bool Equals(Activation? other) => other is not null && Core.Equals(other.Core);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Activation);

    /// <inheritdoc />
    public override int GetHashCode() => Core.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Name;
}
