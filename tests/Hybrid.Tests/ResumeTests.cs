namespace Hybrid.Tests;

/// <summary>
/// Trainer.Resume: a run of a epochs resumed for b more is the run of a + b epochs, to the bit
/// (weights, optimizer steps, every epoch report but its wall-clock fields), on both paths, after a
/// completed run and after a cancellation; a state continues only under the optimizer that made it.
/// </summary>
public class ResumeTests
{
    private static readonly double[][] X = Enumerable.Range(0, 50).Select(i => new[] { Math.Sin(i), Math.Cos(1.7 * i), i % 3 - 1.0 }).ToArray();
    private static readonly int[] Y = X.Select(r => r[0] + r[1] > 0 ? 1 : 0).ToArray();

    private static Network Net() =>
        Network.Create(3).Dense(8, Activation.PReLU(0.2)).Dropout(0.25).Dense(2, Activation.Softmax).Build(Initializer.HeNormal(3));

    /// <summary>Adam (its m, v and t must carry over), a decaying schedule, dropout, a ragged last batch, a validation split, patience.</summary>
    private static Trainer Trainer(int epochs, bool reference) =>
        new(Loss.CrossEntropy, Optimizer.Adam(0.02))
        {
            Epochs = epochs, BatchSize = 16, Seed = 11, ValidationSplit = 0.2, Patience = 4, WeightDecay = 1e-3,
            Schedule = LearningRateSchedule.Exponential(0.9), UseReferencePath = reference,
        };

    private static long[] Bits(Network n) => n.GetParameters().SelectMany(p => p.Values.Cast<double>()).Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static object[] Record(EpochReport r) =>
        [r.Epoch, BitConverter.DoubleToInt64Bits(r.LearningRate), BitConverter.DoubleToInt64Bits(r.TrainingLoss), BitConverter.DoubleToInt64Bits(r.TrainingAccuracy),
         r.ValidationLoss is { } l ? BitConverter.DoubleToInt64Bits(l) : 0L, r.IsBest];

    private static void SameRun(TrainingResult whole, IEnumerable<EpochReport> reports, TrainingResult resumed)
    {
        Assert.Equal(whole.History.Select(Record), reports.Select(Record));
        Assert.Equal(Bits(whole.Network), Bits(resumed.Network));
        Assert.Equal(whole.State.EpochsCompleted, resumed.State.EpochsCompleted);
        Assert.Equal(whole.State.OptimizerSteps, resumed.State.OptimizerSteps);
        Assert.Equal(whole.BestEpoch, resumed.BestEpoch);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_epochs_then_three_more_equal_five_epochs_bit_for_bit(bool reference)
    {
        var whole = Trainer(5, reference).Fit(Net(), X, Y);
        var first = Trainer(2, reference).Fit(Net(), X, Y);
        Assert.Equal(2, first.State.EpochsCompleted);
        // 40 training rows in batches of 16: 3 steps per epoch.
        Assert.Equal(6, first.State.OptimizerSteps);
        var rest = Trainer(3, reference).Resume(first.State, X, Y);
        Assert.Equal([3, 4, 5], rest.History.Select(r => r.Epoch));
        SameRun(whole, first.History.Concat(rest.History), rest);
    }

    [Fact]
    public void A_run_cancelled_after_epoch_two_resumes_from_its_partial_result_to_the_same_bits()
    {
        var whole = Trainer(5, reference: false).Fit(Net(), X, Y);
        using var cancel = new CancellationTokenSource();
        var progress = new Recorder(r => { if (r.Epoch == 2) cancel.Cancel(); });
        var e = Assert.Throws<TrainingCanceledException>(() => Trainer(5, reference: false).Fit(Net(), X, Y, progress, cancel.Token));
        var partial = e.PartialResult;
        Assert.Equal(2, partial.State.EpochsCompleted);
        var rest = Trainer(3, reference: false).Resume(partial.State, X, Y);
        SameRun(whole, partial.History.Concat(rest.History), rest);
    }

    [Fact]
    public void The_state_keeps_the_current_weights_when_the_result_holds_restored_best_ones()
    {
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 6, Seed = 4, RestoreBestWeights = true };
        // Validation labels flipped: the best validation epoch is an early one.
        var result = trainer.Fit(Net(), X, Y, X, Y.Select(v => 1 - v).ToArray());
        Assert.True(result.RestoredBestWeights);
        Assert.NotEqual(Bits(result.Network), Bits(result.State.Network));
        Assert.Equal(6, result.State.EpochsCompleted);
        Assert.Equal(result.BestEpoch, result.State.BestEpoch);
    }

    [Fact]
    public void A_state_made_by_another_optimizer_is_refused_naming_the_state()
    {
        var first = Trainer(1, reference: false).Fit(Net(), X, Y);
        var sgd = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 1 };
        var e = Assert.Throws<ArgumentException>(() => sgd.Resume(first.State, X, Y));
        Assert.Equal("state", e.ParamName);
        Assert.Contains("same update rule", e.Message);
        Assert.Throws<ArgumentNullException>(() => sgd.Resume(null!, X, Y));
    }
}
