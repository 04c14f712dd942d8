using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>Loss, accuracy and confusion matrix of a network on a data set.</summary>
public sealed class Evaluation
{
    private readonly int[,] _confusion;

    internal Evaluation(double loss, double accuracy, int[,] confusion, int count)
    {
        Loss = loss;
        Accuracy = accuracy;
        _confusion = confusion;
        Count = count;
    }

    /// <summary>The loss J (a batch mean for every loss but SumOfSquares).</summary>
    public double Loss { get; }

    /// <summary>The fraction of examples whose predicted class (argmax; for one output the threshold 0 with the hinge and logistic losses, 0.5 otherwise: <see cref="Network.PredictClasses(Features, Loss)"/>) is the actual one (S32).</summary>
    public double Accuracy { get; }

    /// <summary>The number of examples.</summary>
    public int Count { get; }

    /// <summary>The number of classes (outputs, or 2 for one output).</summary>
    public int ClassCount => _confusion.GetLength(0);

    /// <summary>A copy of the confusion matrix C: C[actual, predicted] counts examples.</summary>
    public int[,] ConfusionMatrix => (int[,])_confusion.Clone();

    /// <inheritdoc />
    public override string ToString() => $"Evaluation(loss={Loss:G6}, accuracy={Accuracy:P2}, n={Count})";
}
