using Hybrid.Core.Interop;
using CoreLoss = Hybrid.Core.Loss;

namespace Hybrid;

/// <summary>
/// Your own loss, defined but not yet registered (course items S18–S23; docs/extending.md). Check it with
/// <see cref="Verification.Check(LossDefinition, VerificationOptions?)"/>, then register it with
/// <see cref="Loss.Register(LossDefinition, bool)"/> to train with it.
/// </summary>
public sealed class LossDefinition
{
    internal CoreLoss Core { get; }

    private LossDefinition(CoreLoss core) => Core = core;

    /// <summary>Defines a loss from a struct implementing <see cref="ILossFunction"/> (one call of each member per batch).</summary>
    /// <typeparam name="TFunction">The struct with J and ∂J/∂Ŷ.</typeparam>
    /// <param name="name">Its name: ASCII letters, digits, '-', '_' and '.', at most 64 characters, not a built-in loss's.</param>
    /// <param name="options">Its formula, targets and predictions (defaults when null).</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">The name is not valid, or an option is out of range.</exception>
    public static LossDefinition Create<TFunction>(string name, LossOptions? options = null) where TFunction : struct, ILossFunction
    {
        ArgumentNullException.ThrowIfNull(name);
        var o = Checked(options);
        return new(Extending.DefineLoss<LossAdapter<TFunction>>(name, o.Formula, o.Targets.ToString(), o.Predictions == PredictionKind.Probability));
    }

    /// <summary>
    /// Defines a loss from two functions over arrays holding exactly the batch (rows×columns entries, row by row):
    /// J(Ŷ, Y, rows, columns) and ∂J/∂Ŷ(Ŷ, Y, rows, columns). Convenient; each batch copies Ŷ and Y once.
    /// </summary>
    /// <param name="name">Its name (the rules of <see cref="Create{TFunction}"/>).</param>
    /// <param name="value">J.</param>
    /// <param name="gradient">∂J/∂Ŷ, a new array of rows×columns entries.</param>
    /// <param name="options">Its formula, targets and predictions (defaults when null).</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">A function is null, the name is not valid, or an option is out of range.</exception>
    public static LossDefinition Create(string name, Func<double[], double[], int, int, double> value, Func<double[], double[], int, int, double[]> gradient, LossOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(gradient);
        var o = Checked(options);
        return new(Extending.DefineLoss(name, value, gradient, o.Formula, o.Targets.ToString(), o.Predictions == PredictionKind.Probability));
    }

    private static LossOptions Checked(LossOptions? options)
    {
        var o = options ?? new LossOptions();
        if (!Enum.IsDefined(o.Targets)) throw new ArgumentException($"Targets must be one of {string.Join(", ", Enum.GetNames<TargetKind>())}, not {(int)o.Targets}.", nameof(options));
        if (!Enum.IsDefined(o.Predictions)) throw new ArgumentException($"Predictions must be one of {string.Join(", ", Enum.GetNames<PredictionKind>())}, not {(int)o.Predictions}.", nameof(options));
        return o;
    }

    /// <summary>The name it is registered under.</summary>
    public string Name => Losses.CaseName(Core);

    /// <inheritdoc />
    public override string ToString() => Name;
}
