using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>What one epoch produced.</summary>
public sealed class EpochReport
{
    /// <summary>A report with the given numbers (the trainer makes one per epoch; tests of a <see cref="TrainingCallback"/> may make their own).</summary>
    /// <param name="epoch">The 1-based epoch number.</param>
    /// <param name="learningRate">The learning rate of the epoch.</param>
    /// <param name="trainingLoss">The epoch's training loss.</param>
    /// <param name="trainingAccuracy">The epoch's training accuracy.</param>
    /// <param name="validationLoss">The validation loss, or null without a validation set.</param>
    /// <param name="validationAccuracy">The validation accuracy, or null without a validation set.</param>
    /// <param name="isBest">Whether the epoch improved on the best so far.</param>
    /// <param name="elapsed">Time since training started.</param>
    /// <param name="samplesPerSecond">Training rows per second of the epoch.</param>
    public EpochReport(int epoch, double learningRate, double trainingLoss, double trainingAccuracy, double? validationLoss = null, double? validationAccuracy = null,
                       bool isBest = false, TimeSpan elapsed = default, double samplesPerSecond = 0)
    {
        Elapsed = elapsed;
        SamplesPerSecond = samplesPerSecond;
        Epoch = epoch;
        LearningRate = learningRate;
        TrainingLoss = trainingLoss;
        TrainingAccuracy = trainingAccuracy;
        ValidationLoss = validationLoss;
        ValidationAccuracy = validationAccuracy;
        IsBest = isBest;
    }

    internal static EpochReport FromCore(EpochView r) =>
        new(r.Epoch, r.LearningRate, r.TrainingLoss, r.TrainingAccuracy, r.ValidationLoss, r.ValidationAccuracy,
            r.IsBest, r.Elapsed, r.SamplesPerSecond);

    /// <summary>The 1-based epoch number.</summary>
    public int Epoch { get; }

    /// <summary>The learning rate used during this epoch.</summary>
    public double LearningRate { get; }

    /// <summary>
    /// The epoch's training loss as Keras reports it: the mean of the batches' data losses weighted
    /// by their rows, each from the batch's own forward pass before its update (dropout on if the
    /// network has it), without the L2 term. Not a second pass over the training set.
    /// </summary>
    public double TrainingLoss { get; }

    /// <summary>The accuracy of the batches' own predictions over the epoch (the same forward passes as <see cref="TrainingLoss"/>).</summary>
    public double TrainingAccuracy { get; }

    /// <summary>The loss on the validation set after the epoch (dropout off, without the L2 term), or null without one.</summary>
    public double? ValidationLoss { get; }

    /// <summary>The accuracy on the validation set after the epoch (the same pass as <see cref="ValidationLoss"/>), or null without one.</summary>
    public double? ValidationAccuracy { get; }

    /// <summary>Whether this epoch set a new best monitored metric (<see cref="Trainer.Monitor"/>, <see cref="Trainer.MinDelta"/>).</summary>
    public bool IsBest { get; }

    /// <summary>Wall-clock time since training started, at the end of this epoch.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Training rows per second in this epoch: rows / the epoch's wall-clock time (its minibatch steps and its end-of-epoch evaluation).</summary>
    public double SamplesPerSecond { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"epoch {Epoch}: lr={LearningRate:G4} loss={TrainingLoss:G6} acc={TrainingAccuracy:P1}" +
        (ValidationLoss is double v ? $" val_loss={v:G6} val_acc={ValidationAccuracy:P1}" : "") + (IsBest ? " *" : "");
}
