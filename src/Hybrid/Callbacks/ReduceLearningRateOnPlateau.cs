namespace Hybrid;

/// <summary>
/// Lowers the learning rate when the monitored value stops improving (Keras's
/// <c>ReduceLROnPlateau</c>, same parameters and rule): after <see cref="Patience"/> epochs in a row
/// without an improvement of more than <see cref="MinDelta"/>, the rate becomes
/// max(rate·<see cref="Factor"/>, <see cref="MinLearningRate"/>) (if it is above the minimum), then
/// <see cref="Cooldown"/> epochs pass during which the wait is not counted. Per epoch:
/// in cooldown, the cooldown counter drops by one and the wait resets; an improvement sets the best
/// and resets the wait; otherwise, outside cooldown, the wait grows and at <see cref="Patience"/> the
/// rate is reduced, the cooldown starts and the wait resets.
/// </summary>
public sealed class ReduceLearningRateOnPlateau : TrainingCallback
{
    private double? _best;
    private int _wait;
    private int _cooldownCounter;

    /// <summary>A plateau rule with Keras's defaults.</summary>
    /// <param name="monitor">The loss (lower is better, default) or the accuracy (higher is better).</param>
    /// <param name="factor">The multiplier of the rate, in (0, 1); default 0.1.</param>
    /// <param name="patience">Epochs without improvement before a reduction, ≥ 0; default 10.</param>
    /// <param name="minDelta">The improvement that counts, ≥ 0; default 1e-4.</param>
    /// <param name="cooldown">Epochs after a reduction during which waiting is not counted, ≥ 0; default 0.</param>
    /// <param name="minLearningRate">The rate never goes below this, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of its range.</exception>
    public ReduceLearningRateOnPlateau(EarlyStoppingMetric monitor = EarlyStoppingMetric.Loss, double factor = 0.1, int patience = 10,
                                       double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0)
    {
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must lie in (0, 1).");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "Patience must be >= 0.");
        if (!(minDelta >= 0) || double.IsInfinity(minDelta)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "MinDelta must be a finite number >= 0.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "Cooldown must be >= 0.");
        if (!(minLearningRate >= 0) || double.IsInfinity(minLearningRate)) throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "The minimum learning rate must be a finite number >= 0.");
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
    }

    /// <summary>What is watched.</summary>
    public EarlyStoppingMetric Monitor { get; }
    /// <summary>The multiplier of the rate at a reduction.</summary>
    public double Factor { get; }
    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }
    /// <summary>The improvement that counts.</summary>
    public double MinDelta { get; }
    /// <summary>Epochs after a reduction during which waiting is not counted.</summary>
    public int Cooldown { get; }
    /// <summary>The lowest rate.</summary>
    public double MinLearningRate { get; }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochEndContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        double current = context.Monitored(Monitor);
        bool inCooldown = _cooldownCounter > 0;
        if (inCooldown)
        {
            _cooldownCounter--;
            _wait = 0;
        }
        bool improved = _best is not { } best || (Monitor == EarlyStoppingMetric.Accuracy ? current > best + MinDelta : current < best - MinDelta);
        if (improved)
        {
            _best = current;
            _wait = 0;
        }
        else if (!inCooldown)
        {
            _wait++;
            if (_wait >= Patience)
            {
                double rate = context.LearningRate;
                if (rate > MinLearningRate)
                {
                    context.SetLearningRate(Math.Max(rate * Factor, MinLearningRate));
                    _cooldownCounter = Cooldown;
                    _wait = 0;
                }
            }
        }
    }
}
