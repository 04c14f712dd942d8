using Hybrid.Core;
using Hybrid.Core.Interop;
using Xunit;

namespace Hybrid.Tests;

/// <summary>
/// The façade words the core's stop details and loss mismatches (TrainingMessages): each message
/// names the epoch and batch (1-based, as the core reports them) and, where the learning rate is to
/// blame, says to lower it. Expected texts are written out by hand.
/// </summary>
public class TrainingMessagesTests
{
    [Fact]
    public void S28_every_stop_detail_gets_a_message_naming_where_training_ended()
    {
        Assert.Equal("completed 3 epochs.", TrainingMessages.Describe(StopFacts.Of(StopDetail.NewCompleted(3))));
        Assert.Equal("stopped early after epoch 7: no improvement for 2 epochs since epoch 5.", TrainingMessages.Describe(StopFacts.Of(StopDetail.NewEarlyStopped(7, 2, 5))));
        Assert.Equal("the loss or its gradient became non-finite (loss NaN) in epoch 2, batch 4; the weights before that step are kept. Lower the learning rate or check the data scale.",
                     TrainingMessages.Describe(StopFacts.Of(StopDetail.NewNonFiniteLoss(2, 4, double.NaN))));
        Assert.Equal("a parameter became non-finite in epoch 1, batch 3; the weights before that step are kept. Lower the learning rate.",
                     TrainingMessages.Describe(StopFacts.Of(StopDetail.NewNonFiniteParameter(1, 3))));
        Assert.Equal("the loss became non-finite (Infinity) after epoch 2; the weights from the start of that epoch are kept.",
                     TrainingMessages.Describe(StopFacts.Of(StopDetail.NewNonFiniteEpochLoss(2, double.PositiveInfinity))));
        Assert.Equal("training diverged: the loss grew from 0.5 (first batch) to 1E+07 in epoch 3, batch 1, more than 1E+06 times; the weights from the start of that epoch are kept. Lower the learning rate.",
                     TrainingMessages.Describe(StopFacts.Of(StopDetail.NewDiverged(3, 1, 0.5, 1e7, 1e6))));
        Assert.Equal("cancelled during epoch 2, before batch 5.", TrainingMessages.Describe(StopFacts.Of(StopDetail.NewCancelled(2, 5))));
        Assert.Equal("completed 3 epochs. Restored the weights of the best epoch 2.", TrainingMessages.Describe(StopFacts.Of(StopDetail.NewCompleted(3)), restored: true, bestEpoch: 2));
    }

    [Fact]
    public void S21_a_loss_that_does_not_fit_the_last_layer_is_worded_with_what_to_use_instead()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingMessages.CheckLossFits(Hybrid.Core.Loss.BinaryCrossEntropy, Network.Create(2).Dense(1, Activation.Tanh).Build(Initializer.Constant(0.1)).Model));
        Assert.Equal("loss", e.ParamName);
        Assert.StartsWith("Binary cross-entropy needs a dense sigmoid last layer (probabilities in (0, 1), one per column), but the last layer is Tanh. For raw scores (PyTorch's Linear + BCEWithLogitsLoss)", e.Message);
        TrainingMessages.CheckLossFits(Hybrid.Core.Loss.BinaryCrossEntropy, Network.Create(2).Dense(1, Activation.Sigmoid).Build(Initializer.Constant(0.1)).Model);
    }
}
