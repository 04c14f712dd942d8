namespace Hybrid;

/// <summary>The element type training computes in (<see cref="Trainer.Precision"/>).</summary>
public enum Precision
{
    /// <summary>float64 (double) throughout: the default, and what the reference path and the gradient checks use.</summary>
    Double = 0,

    /// <summary>float32 (float) for the layers, L2 and the update, as PyTorch and Keras train by default; the loss in float64.</summary>
    Single = 1,
}
