using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// Runs Hybrid's own laws on your activation or loss, with FsCheck generators and shrinking (course items S04, S06,
/// S18–S23, S26; docs/extending.md): the derivative against central differences over the declared domain (kinks left out),
/// finiteness out to |z| = 1000, saturation where declared; a loss's gradient against central differences of the loss, and
/// its finiteness. A failure comes with the smallest counterexample shrinking found.
/// </summary>
public static class Verification
{
    /// <summary>The laws of your activation.</summary>
    /// <param name="definition">The activation.</param>
    /// <param name="options">Cases and seed (100 cases from a fixed seed when null).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">An argument is null, or the case count is out of range.</exception>
    public static VerificationReport Check(ActivationDefinition definition, VerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var o = options ?? new VerificationOptions();
        return new(Extending.Verify(definition.Core, o.CheckedCases(), o.Seed));
    }

    /// <summary>The laws of an element-wise activation already made: a built-in (they hold) or a registered one of yours.</summary>
    /// <param name="activation">The activation.</param>
    /// <param name="options">Cases and seed (100 cases from a fixed seed when null).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">An argument is null, the case count is out of range, or the activation acts on rows (softmax, log-softmax).</exception>
    public static VerificationReport Check(Activation activation, VerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (!activation.Info.IsElementwise)
            throw new ArgumentException($"{activation.Name} acts on each row, not entry by entry; its laws are Hybrid's own.", nameof(activation));
        var o = options ?? new VerificationOptions();
        return new(Extending.Verify(activation.Core, o.CheckedCases(), o.Seed));
    }

    /// <summary>The laws of your loss.</summary>
    /// <param name="definition">The loss.</param>
    /// <param name="options">Cases and seed (100 cases from a fixed seed when null).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">An argument is null, or the case count is out of range.</exception>
    public static VerificationReport Check(LossDefinition definition, VerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var o = options ?? new VerificationOptions();
        return new(Extending.Verify(definition.Core, o.CheckedCases(), o.Seed));
    }

    /// <summary>The laws of a loss already made: a built-in (they hold) or a registered one of yours.</summary>
    /// <param name="loss">The loss.</param>
    /// <param name="options">Cases and seed (100 cases from a fixed seed when null).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">An argument is null, or the case count is out of range.</exception>
    public static VerificationReport Check(Loss loss, VerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var o = options ?? new VerificationOptions();
        return new(Extending.Verify(loss.Core, o.CheckedCases(), o.Seed));
    }

    /// <summary>
    /// The laws of your layer with parameters of these shapes, after an input of <paramref name="inputWidth"/> columns: the
    /// shapes of what Forward and Backward return, every parameter's gradient and the input's gradient against central
    /// differences of L = Σ A ⊙ ∂L/∂A, on 1–4 rows with X in [−2, 2], ∂L/∂A in [−1, 1] and parameters drawn in [−1.5, 1.5].
    /// </summary>
    /// <param name="definition">The layer.</param>
    /// <param name="inputWidth">The width of its input.</param>
    /// <param name="parameters">Parameters of the shapes to check (their values are only an example).</param>
    /// <param name="options">Cases and seed (100 cases from a fixed seed when null).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">An argument is null, the case count is out of range, or the parameters do not fit the layer.</exception>
    public static VerificationReport Check(LayerDefinition definition, int inputWidth, IReadOnlyList<MathNet.Numerics.LinearAlgebra.Matrix<double>> parameters, VerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var ps = LayerDefinition.Checked(parameters);
        if (inputWidth < 1) throw new ArgumentException($"inputWidth must be at least 1, but is {inputWidth}.", nameof(inputWidth));
        var o = options ?? new VerificationOptions();
        return new(ExtendingLayers.Verify(definition.Core, inputWidth, ps, o.CheckedCases(), o.Seed));
    }

    /// <summary>For your own test suite: <see cref="Check(LayerDefinition, int, IReadOnlyList{MathNet.Numerics.LinearAlgebra.Matrix{double}}, VerificationOptions?)"/>, throwing when a law fails.</summary>
    /// <param name="definition">The layer.</param>
    /// <param name="inputWidth">The width of its input.</param>
    /// <param name="parameters">Parameters of the shapes to check.</param>
    /// <param name="options">Cases and seed (defaults when null).</param>
    /// <exception cref="VerificationException">A law failed; the message is the report with the counterexample.</exception>
    public static void Assert(LayerDefinition definition, int inputWidth, IReadOnlyList<MathNet.Numerics.LinearAlgebra.Matrix<double>> parameters, VerificationOptions? options = null) =>
        Check(definition, inputWidth, parameters, options).ThrowIfFailed();

    /// <summary>The laws of your initialiser: its spread is finite and ≥ 0 for fan-in and fan-out from 1 to 4096, and a draw has the distribution's mean and variance within 6 standard errors.</summary>
    /// <param name="definition">The initialiser.</param>
    /// <param name="options">Cases and seed (100 cases from a fixed seed when null).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">An argument is null, or the case count is out of range.</exception>
    public static VerificationReport Check(InitializerDefinition definition, VerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var o = options ?? new VerificationOptions();
        return new(ExtendingInitializers.Verify(definition.Core, o.CheckedCases(), o.Seed));
    }

    /// <summary>For your own test suite: <see cref="Check(ActivationDefinition, VerificationOptions?)"/>, throwing when a law fails.</summary>
    /// <param name="definition">The activation.</param>
    /// <param name="options">Cases and seed (defaults when null).</param>
    /// <exception cref="VerificationException">A law failed; the message is the report with the counterexample.</exception>
    public static void Assert(ActivationDefinition definition, VerificationOptions? options = null) => Check(definition, options).ThrowIfFailed();

    /// <summary>For your own test suite: <see cref="Check(LossDefinition, VerificationOptions?)"/>, throwing when a law fails.</summary>
    /// <param name="definition">The loss.</param>
    /// <param name="options">Cases and seed (defaults when null).</param>
    /// <exception cref="VerificationException">A law failed; the message is the report with the counterexample.</exception>
    public static void Assert(LossDefinition definition, VerificationOptions? options = null) => Check(definition, options).ThrowIfFailed();
}
