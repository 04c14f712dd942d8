using Hybrid.Core.Interop;
using Hybrid.Core;

namespace Hybrid;

/// <summary>
/// The learning rate as a function of the epoch e = 0, 1, 2, … (constant within an epoch), from
/// the optimiser's initial rate η0. The closed forms live in the F# core (<c>Schedule.rate</c>).
/// </summary>
public sealed class LearningRateSchedule
{
    internal Schedule Core { get; }

    private LearningRateSchedule(Schedule core, string name)
    {
        Rules.ValidateSchedule("schedule", core);
        Core = core;
        Name = name;
    }

    /// <summary>A readable name.</summary>
    public string Name { get; }

    /// <summary>η_e = η0.</summary>
    public static LearningRateSchedule Constant { get; } = new(Factories.ConstantRate(), "Constant");

    /// <summary>Step decay: η_e = η0·factor^⌊e / everyEpochs⌋.</summary>
    /// <param name="everyEpochs">The period k ≥ 1 in epochs.</param>
    /// <param name="factor">The factor γ in (0, 1].</param>
    /// <exception cref="ArgumentException">k &lt; 1 or γ outside (0, 1].</exception>
    public static LearningRateSchedule Step(int everyEpochs, double factor)
    {
        if (everyEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(everyEpochs), everyEpochs, "The step decay period must be at least 1 epoch.");
        if (!(factor > 0 && factor <= 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The decay factor must lie in (0, 1].");
        return new(Factories.StepDecay(everyEpochs, factor), $"Step(every={everyEpochs}, factor={factor})");
    }

    /// <summary>Exponential decay: η_e = η0·factor^e.</summary>
    /// <param name="factor">The factor γ in (0, 1].</param>
    /// <exception cref="ArgumentException">γ outside (0, 1].</exception>
    public static LearningRateSchedule Exponential(double factor)
    {
        if (!(factor > 0 && factor <= 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The decay factor must lie in (0, 1].");
        return new(Factories.ExponentialDecay(factor), $"Exponential(factor={factor})");
    }

    /// <summary>The closed form η_e for the 0-based epoch e.</summary>
    /// <param name="initialRate">η0 &gt; 0.</param>
    /// <param name="epoch">e ≥ 0.</param>
    /// <returns>The learning rate used during epoch e.</returns>
    /// <exception cref="ArgumentException">η0 ≤ 0 or e &lt; 0.</exception>
    public double RateAt(double initialRate, int epoch) => Rules.Rate(Core, initialRate, epoch);

    /// <inheritdoc />
    public override string ToString() => Name;
}
