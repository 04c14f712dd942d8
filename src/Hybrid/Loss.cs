using Hybrid.Core.Interop;
using MathNet.Numerics.LinearAlgebra;
using CoreLoss = Hybrid.Core.Loss;

namespace Hybrid;

/// <summary>
/// A cost function J(Ŷ, Y), a batch mean over the examples (rows) unless stated (course items
/// S18–S23). Each value wraps one case of the F# core's loss. With a softmax output,
/// <see cref="CrossEntropy"/> is computed from the logits (stable); likewise a sigmoid output with
/// <see cref="BinaryCrossEntropy"/>.
/// </summary>
public sealed class Loss : IEquatable<Loss>
{
    internal CoreLoss Core { get; }

    private Loss(CoreLoss core) => Core = core;

    /// <summary>The core's loss of registry case <paramref name="caseName"/> with its default parameter.</summary>
    private static Loss Of(string caseName) => new(Losses.OfCaseName(caseName, 0.0, "caseName"));

    /// <summary>Every loss Hybrid has, each with its default parameter, in the order the CLI and the docs list them (the core's registry, <c>Loss.all</c>).</summary>
    public static IReadOnlyList<Loss> All { get; } = Array.AsReadOnly(Losses.All.Select(core => new Loss(core)).ToArray());

    /// <summary>The name the <c>hybrid</c> command line takes (<c>--loss mse</c>).</summary>
    public string CliName => Losses.CliName(Core);

    /// <summary>The name shown to people ("Mean squared error").</summary>
    public string DisplayName => Losses.Display(Core);

    /// <summary>J and ∂J/∂Ŷ in one line (docs/losses.md).</summary>
    public string Formula => Losses.Formula(Core);

    /// <summary>J = 1/(2N) Σ (ŷ − y)² (S20).</summary>
    public static Loss MeanSquaredError { get; } = Of(nameof(MeanSquaredError));

    /// <summary>J = 1/N Σ |ŷ − y| (S19).</summary>
    public static Loss MeanAbsoluteError { get; } = Of(nameof(MeanAbsoluteError));

    /// <summary>J = Σ (ŷ − y)², a plain sum, not a mean (S29's "20 lines" network).</summary>
    public static Loss SumOfSquares { get; } = Of(nameof(SumOfSquares));

    /// <summary>J = −1/N Σ [y ln ŷ + (1 − y) ln(1 − ŷ)], targets in [0, 1] (S21).</summary>
    public static Loss BinaryCrossEntropy { get; } = Of(nameof(BinaryCrossEntropy));

    /// <summary>Categorical cross-entropy J = −1/N Σ_i Σ_k y_ik ln p_ik, for a softmax output of width ≥ 2 (S22).</summary>
    public static Loss CrossEntropy { get; } = Of("CategoricalCrossEntropy");

    /// <summary>J = 1/N Σ max(0, 1 − y·f), targets −1 or 1 (class labels 0/1 are mapped to −1/1) (S23).</summary>
    public static Loss Hinge { get; } = Of(nameof(Hinge));

    /// <summary>Multiclass SVM loss J = 1/N Σ_i Σ_{j ≠ y_i} max(0, s_j − s_{y_i} + 1) (S23).</summary>
    public static Loss MulticlassHinge { get; } = Of(nameof(MulticlassHinge));

    /// <summary>J = 1/N Σ ln(1 + e^(−y·f)), targets −1 or 1 (class labels 0/1 are mapped to −1/1) (S23).</summary>
    public static Loss Logistic { get; } = Of(nameof(Logistic));

    /// <summary>
    /// Huber loss J = 1/N Σ h_δ(ŷ − y): (ŷ − y)²/2 within δ of the target, δ(|ŷ − y| − δ/2) beyond, so
    /// outliers pull linearly (S19, S20; PyTorch's <c>HuberLoss</c>, Keras's <c>Huber</c>).
    /// </summary>
    /// <param name="delta">δ &gt; 0, where the quadratic part turns linear (default 1, as PyTorch and Keras).</param>
    /// <exception cref="ArgumentException"><paramref name="delta"/> is not a finite number &gt; 0.</exception>
    public static Loss Huber(double delta = 1.0) => new(Losses.OfCaseName(nameof(Huber), delta, nameof(delta)));

    /// <summary>
    /// Makes your own loss ready to train with (docs/extending.md). By default it first runs <see cref="Verification"/>'s laws
    /// on 30 cases and refuses a definition that fails one; pass <c>verify: false</c> to skip them.
    /// </summary>
    /// <param name="definition">The loss.</param>
    /// <param name="verify">Whether to run the laws first (default true).</param>
    /// <returns>The loss, to pass to a trainer.</returns>
    /// <exception cref="VerificationException">A law failed (the message is the report with the counterexample).</exception>
    /// <exception cref="ArgumentException">The definition is null.</exception>
    public static Loss Register(LossDefinition definition, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (verify) Verification.Check(definition, VerificationOptions.Fast).ThrowIfFailed();
        return new(definition.Core);
    }

    /// <summary>Whether this is one of your own losses (<see cref="Register"/>) rather than a built-in.</summary>
    public bool IsUserDefined => Extending.IsUserDefined(Core);

    /// <summary>A readable name.</summary>
    public string Name => Losses.Name(Core);

    /// <summary>
    /// The loss J(ŷ, y) of predictions against targets, one example per row (the core's
    /// <c>Loss.value</c>; formulas in docs/losses.md), e.g. MSE = 1/(2N) Σ (ŷ − y)².
    /// </summary>
    /// <param name="predictions">ŷ, N×m.</param>
    /// <param name="targets">y, N×m.</param>
    /// <returns>J.</returns>
    /// <exception cref="ArgumentException">Null, empty or differently shaped arrays, or targets the loss does not take.</exception>
    public double Value(double[,] predictions, double[,] targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        return Losses.Value(Core, Matrix<double>.Build.DenseOfArray(predictions), Matrix<double>.Build.DenseOfArray(targets));
    }

    /// <summary>
    /// The derivative ∂J/∂ŷ entry by entry (the core's <c>Loss.gradient</c>; docs/losses.md), e.g.
    /// mse′ = (ŷ − y)/N, SumOfSquares′ = 2(ŷ − y), binary cross-entropy′ = (−y/ŷ + (1 − y)/(1 − ŷ))/N.
    /// </summary>
    /// <param name="predictions">ŷ, N×m.</param>
    /// <param name="targets">y, N×m.</param>
    /// <returns>A new N×m array.</returns>
    /// <exception cref="ArgumentException">Null, empty or differently shaped arrays, or targets the loss does not take.</exception>
    public double[,] Derivative(double[,] predictions, double[,] targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        return Losses.Gradient(Core, Matrix<double>.Build.DenseOfArray(predictions), Matrix<double>.Build.DenseOfArray(targets)).ToArray();
    }

    /// <inheritdoc />
    public bool Equals(Loss? other) => other is not null && Core.Equals(other.Core);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Loss);

    /// <inheritdoc />
    public override int GetHashCode() => Core.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Name;
}
