using Hybrid.Core.Interop;
using Hybrid.Core;

namespace Hybrid;

/// <summary>
/// An update rule with its initial learning rate η. The formulas live in the F# core
/// (<c>Hybrid.Core.Update</c>); see docs/facade-trainer.md for each formula and the property
/// that checks it. All rules start from zero state; Adam counts its steps from 1.
/// </summary>
public sealed class Optimizer
{
    internal UpdateRule Rule { get; }

    /// <summary>The initial learning rate η0 (the schedule may lower it epoch by epoch).</summary>
    public double LearningRate { get; }

    /// <summary>A readable name with the hyper-parameters, e.g. "Adam(lr=0.001, beta1=0.9, beta2=0.999, epsilon=1E-08)".</summary>
    public string Name { get; }

    private Optimizer(UpdateRule rule, double learningRate, string name)
    {
        // The factories have checked every argument under its own name; the core's check stays as
        // a backstop.
        Rules.ValidateRule(nameof(rule), rule);
        Rule = rule;
        LearningRate = learningRate;
        Name = name;
    }

    /// <summary>Plain (minibatch) gradient descent: θ ← θ − η·g (S27, S28).</summary>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <exception cref="ArgumentException">η is not a finite positive number (the exception names learningRate and gives the value).</exception>
    public static Optimizer Sgd(double learningRate) =>
        new(Factories.PlainSgd(), Positive(learningRate, nameof(learningRate)), $"Sgd(lr={learningRate})");

    /// <summary>Momentum: v ← μ·v − η·g; θ ← θ + v. μ = 0 is plain SGD.</summary>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <param name="momentum">μ in [0, 1).</param>
    /// <exception cref="ArgumentException">η ≤ 0 or μ outside [0, 1) (the exception names learningRate or momentum and gives the value).</exception>
    public static Optimizer Momentum(double learningRate, double momentum = 0.9) =>
        new(Factories.Momentum(Check(learningRate, () => UnitInterval(momentum, nameof(momentum)))), learningRate, $"Momentum(lr={learningRate}, momentum={momentum})");

    /// <summary>Nesterov momentum: v ← μ·v − η·g; θ ← θ + μ·v − η·g. μ = 0 is plain SGD.</summary>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <param name="momentum">μ in [0, 1).</param>
    /// <exception cref="ArgumentException">η ≤ 0 or μ outside [0, 1) (the exception names learningRate or momentum and gives the value).</exception>
    public static Optimizer Nesterov(double learningRate, double momentum = 0.9) =>
        new(Factories.Nesterov(Check(learningRate, () => UnitInterval(momentum, nameof(momentum)))), learningRate, $"Nesterov(lr={learningRate}, momentum={momentum})");

    /// <summary>AdaGrad: G ← G + g⊙g; θ ← θ − η·g ⊘ (√G + ε).</summary>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <exception cref="ArgumentException">η ≤ 0 or ε ≤ 0 (the exception names learningRate or epsilon and gives the value).</exception>
    public static Optimizer AdaGrad(double learningRate, double epsilon = 1e-8) =>
        new(Factories.AdaGrad(Check(learningRate, () => Positive(epsilon, nameof(epsilon)))), learningRate, $"AdaGrad(lr={learningRate}, epsilon={epsilon})");

    /// <summary>RMSProp: s ← ρ·s + (1 − ρ)·g⊙g; θ ← θ − η·g ⊘ (√s + ε).</summary>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <param name="decay">ρ in [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <exception cref="ArgumentException">η ≤ 0, ρ outside [0, 1) or ε ≤ 0 (the exception names learningRate, decay or epsilon and gives the value).</exception>
    public static Optimizer RmsProp(double learningRate, double decay = 0.9, double epsilon = 1e-8) =>
        new(Check(learningRate, () => Factories.RmsProp(UnitInterval(decay, nameof(decay)), Positive(epsilon, nameof(epsilon)))), learningRate, $"RmsProp(lr={learningRate}, decay={decay}, epsilon={epsilon})");

    /// <summary>Adam: m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g⊙g; θ ← θ − η·m̂ ⊘ (√v̂ + ε), with m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t).</summary>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <param name="beta1">β1 in [0, 1).</param>
    /// <param name="beta2">β2 in [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <exception cref="ArgumentException">η ≤ 0, β1 or β2 outside [0, 1), or ε ≤ 0 (the exception names learningRate, beta1, beta2 or epsilon and gives the value).</exception>
    public static Optimizer Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) =>
        new(Check(learningRate, () => Factories.Adam(UnitInterval(beta1, nameof(beta1)), UnitInterval(beta2, nameof(beta2)), Positive(epsilon, nameof(epsilon)))), learningRate, $"Adam(lr={learningRate}, beta1={beta1}, beta2={beta2}, epsilon={epsilon})");

    /// <inheritdoc />
    public override string ToString() => Name;

    // Argument checks, each naming its own parameter and printing the value; the learning rate is
    // checked first, then the other arguments in order.
    private static T Check<T>(double learningRate, Func<T> rest)
    {
        Positive(learningRate, nameof(learningRate));
        return rest();
    }

    private static double Positive(double value, string paramName) =>
        double.IsFinite(value) && value > 0 ? value
            : throw new ArgumentException($"{paramName} must be a finite number > 0 but is {Show(value)}.", paramName);

    private static double UnitInterval(double value, string paramName) =>
        value >= 0 && value < 1 ? value
            : throw new ArgumentException($"{paramName} must lie in [0, 1) but is {Show(value)}.", paramName);

    private static string Show(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
