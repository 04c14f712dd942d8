using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>A loss and the gradient of every parameter, from <see cref="Network.ComputeGradients"/>.</summary>
public sealed class LossGradient
{
    internal LossGradient(double loss, IReadOnlyList<Parameter> gradients)
    {
        Loss = loss;
        Gradients = gradients;
    }

    /// <summary>The loss J on the batch.</summary>
    public double Loss { get; }

    /// <summary>∂J/∂θ for each parameter θ, aligned with <see cref="Network.GetParameters"/> and of the same shapes.</summary>
    public IReadOnlyList<Parameter> Gradients { get; }
}
