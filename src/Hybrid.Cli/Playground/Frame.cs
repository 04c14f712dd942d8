namespace Hybrid.Cli.Playground;

/// <summary>One update streamed to the page (server-sent event "frame", JSON).</summary>
/// <param name="Epoch">Epochs trained.</param>
/// <param name="Playing">Whether training is running.</param>
/// <param name="Epochs">The epochs the loss curves are sampled at (thinned to at most <see cref="LossHistory.Capacity"/> points).</param>
/// <param name="TrainLoss">Training loss at those epochs (dropout off, no L2 term).</param>
/// <param name="TestLoss">Test loss at those epochs (empty without a test set).</param>
/// <param name="TrainAccuracy">The current training accuracy.</param>
/// <param name="TestAccuracy">The current test accuracy, or null.</param>
/// <param name="Boundary">The decision boundary on the grid.</param>
/// <param name="Layers">Per layer: activations and gradient norm.</param>
/// <param name="Message">Why training stopped by itself (NaN, divergence, the epoch cap), or null.</param>
/// <param name="Pace">The pace in force, in epochs per second (0: max, as fast as the machine trains).</param>
/// <param name="MaxEpochs">The epoch cap (<see cref="PlaygroundLimits.MaxEpochs"/>).</param>
/// <param name="CapReached">Whether the run has reached the cap: Play and Step train no further until Reset.</param>
public sealed record Frame(int Epoch, bool Playing, int[] Epochs, double[] TrainLoss, double[] TestLoss, double TrainAccuracy, double? TestAccuracy,
                           Boundary Boundary, LayerView[] Layers, string? Message, int Pace, int MaxEpochs, bool CapReached);

/// <summary>The predicted class and its probability (or score share) on a size×size grid over [XMin, XMax]×[YMin, YMax], row 0 at YMax.</summary>
public sealed record Boundary(int Size, double XMin, double XMax, double YMin, double YMax, int[] Classes, double[] Confidence);

/// <summary>One layer as the page shows it (S31): its activations on the training rows and the norm of its weights' gradient.</summary>
/// <param name="Name">"layer 0 (16 ReLU)".</param>
/// <param name="Mean">Mean activation.</param>
/// <param name="StandardDeviation">Standard deviation of the activations.</param>
/// <param name="Min">Smallest activation (the histogram's left edge).</param>
/// <param name="Max">Largest activation (the right edge).</param>
/// <param name="Counts">The histogram: equal-width bins from Min to Max.</param>
/// <param name="GradientNorm">‖∂J/∂W‖ (Frobenius) on the training rows.</param>
public sealed record LayerView(string Name, double Mean, double StandardDeviation, double Min, double Max, int[] Counts, double GradientNorm);

/// <summary>The points the page draws (original coordinates), sent once when a session starts.</summary>
/// <param name="Train">[x, y, class] per training row.</param>
/// <param name="Test">[x, y, class] per test row.</param>
/// <param name="ClassCount">Classes.</param>
public sealed record PointSet(double[][] Train, double[][] Test, int ClassCount);
