namespace Hybrid;

/// <summary>What targets a loss takes (checked before training, as for the built-in losses). Each member is named like the
/// core's target kind it stands for, and reaches it by that name.</summary>
public enum TargetKind
{
    /// <summary>Any finite number (regression).</summary>
    Real = 0,

    /// <summary>Values in [0, 1] (cross-entropies).</summary>
    Probability = 1,

    /// <summary>−1 or 1 (hinge, logistic); class labels are encoded as signs.</summary>
    Sign = 2,

    /// <summary>Rows of zeros with exactly one 1 (class labels are one-hot encoded).</summary>
    OneHot = 3,
}

/// <summary>What predictions a loss is defined for; its laws draw predictions from it.</summary>
public enum PredictionKind
{
    /// <summary>Any real number (scores, regression outputs).</summary>
    Real = 0,

    /// <summary>A probability in (0, 1), the output of a sigmoid or softmax layer.</summary>
    Probability = 1,
}

/// <summary>What you declare about your own loss besides J and ∂J/∂Ŷ (docs/extending.md). Every property has a default.</summary>
public sealed class LossOptions
{
    /// <summary>J and ∂J/∂Ŷ in one line, shown in reports (default: the name).</summary>
    public string? Formula { get; init; }

    /// <summary>The targets it takes (default <see cref="TargetKind.Real"/>).</summary>
    public TargetKind Targets { get; init; } = TargetKind.Real;

    /// <summary>The predictions it is defined for (default <see cref="PredictionKind.Real"/>).</summary>
    public PredictionKind Predictions { get; init; } = PredictionKind.Real;
}
