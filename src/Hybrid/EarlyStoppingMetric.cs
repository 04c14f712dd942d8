using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid;

/// <summary>What early stopping watches (Keras's <c>monitor</c>): on the validation set if there is one, else on the training set.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>The loss; lower is better (mode min).</summary>
    Loss,
    /// <summary>The accuracy; higher is better (mode max).</summary>
    Accuracy,
}
