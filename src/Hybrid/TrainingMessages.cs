using System.Globalization;
using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// The words for users: the core reports facts (<c>Hybrid.Core.Interop.StopFacts</c>: which rule, which
/// epoch and batch, which losses; <c>Hybrid.Core.Interop.MismatchFacts</c>: which loss and last layer) and
/// this builds <see cref="TrainingResult.Message"/> and the loss-pairing errors from them, with what
/// to try next. Each rule arrives as the name of its core case (<c>StopDetail</c>, <c>LossMismatch</c>)
/// and is matched with <c>nameof</c>, so there is no second list of rules; TrainingMessagesTests word
/// every core case. Epochs and batches are 1-based.
/// </summary>
internal static class TrainingMessages
{
    /// <summary>The account of a stop, plus the restore-best note when the best epoch's weights were restored.</summary>
    internal static string Describe(StopFacts detail, bool restored, int bestEpoch)
    {
        var message = Describe(detail);
        return restored ? message + Invariant($" Restored the weights of the best epoch {bestEpoch}.") : message;
    }

    /// <summary>The account of a stop: what happened, where, which weights are kept, and what to try.</summary>
    internal static string Describe(StopFacts d) => d.Cause switch
    {
        nameof(Core.StopDetail.Completed) => Invariant($"completed {d.Epochs} epochs."),
        nameof(Core.StopDetail.EarlyStopped) => Invariant($"stopped early after epoch {d.Epoch}: no improvement for {d.Patience} epochs since epoch {d.BestEpoch}."),
        nameof(Core.StopDetail.NonFiniteLoss) => Invariant($"the loss or its gradient became non-finite (loss {d.Loss:G6}) in epoch {d.Epoch}, batch {d.Batch}; the weights before that step are kept. Lower the learning rate or check the data scale."),
        nameof(Core.StopDetail.NonFiniteParameter) => Invariant($"a parameter became non-finite in epoch {d.Epoch}, batch {d.Batch}; the weights before that step are kept. Lower the learning rate."),
        nameof(Core.StopDetail.NonFiniteEpochLoss) => Invariant($"the loss became non-finite ({d.Loss:G6}) after epoch {d.Epoch}; the weights from the start of that epoch are kept."),
        nameof(Core.StopDetail.Diverged) => Invariant($"training diverged: the loss grew from {d.FirstLoss:G6} (first batch) to {d.Loss:G6} in epoch {d.Epoch}, batch {d.Batch}, more than {d.Factor:G6} times; the weights from the start of that epoch are kept. Lower the learning rate."),
        nameof(Core.StopDetail.Cancelled) => Invariant($"cancelled during epoch {d.Epoch}, before batch {d.Batch}."),
        nameof(Core.StopDetail.StoppedByCallback) => Invariant($"stopped by a callback after epoch {d.Epoch}."),
        _ => throw new InvalidOperationException($"unknown stop {d.Cause}"),
    };

    /// <summary>
    /// Throws <see cref="ArgumentException"/> (parameter "loss") when the loss does not fit the
    /// network's last layer (<c>Training.lossMismatch</c>; docs/losses.md "Loss and output pairings"):
    /// the message names the loss and the last layer and says what to use instead.
    /// </summary>
    internal static void CheckLossFits(Hybrid.Core.Loss loss, Hybrid.Core.Network network)
    {
        if (Rules.LossMismatch(loss, network) is { } mismatch)
            throw new ArgumentException(Describe(mismatch), "loss");
    }

    /// <summary>The account of a loss that does not fit the last layer.</summary>
    internal static string Describe(MismatchFacts m) => m.Cause switch
    {
        nameof(Core.LossMismatch.NeedsSigmoid) =>
            $"Binary cross-entropy needs a dense sigmoid last layer (probabilities in (0, 1), one per column), but the last layer is {m.Last}. " +
            "For raw scores (PyTorch's Linear + BCEWithLogitsLoss) make the last layer Dense(k, Sigmoid): cross-entropy is then computed from its logits, fused and stable.",
        nameof(Core.LossMismatch.NeedsSoftmax) =>
            $"Cross-entropy needs a dense softmax last layer (a probability distribution per row), but the last layer is {m.Last}. " +
            "For raw scores (PyTorch's Linear + CrossEntropyLoss) make the last layer Dense(k, Softmax): cross-entropy is then computed from its logits, fused and stable.",
        nameof(Core.LossMismatch.NeedsTwoOutputs) => $"the multiclass hinge loss needs at least 2 output units, but the last layer ({m.Last}) has 1.",
        nameof(Core.LossMismatch.LogSoftmaxForCrossEntropy) =>
            "cross-entropy needs a dense softmax last layer (probabilities), but the last layer is LogSoftmax (log-probabilities, the input of PyTorch's NLLLoss, which is not a Hybrid loss). " +
            "Make the last layer Dense(k, Softmax): cross-entropy on softmax is NLL on log-softmax, computed fused from the logits; Predict's softmax output is e^ of the log-softmax output.",
        nameof(Core.LossMismatch.SoftmaxOfWidth1) =>
            "categorical cross-entropy needs at least 2 output units (a softmax of width 1 always outputs 1): use binary cross-entropy with a sigmoid output, or widen the last layer.",
        _ => throw new InvalidOperationException($"unknown loss mismatch {m.Cause}"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
