using Hybrid.Data;
using Microsoft.FSharp.Core;
using CoreMonitor = Hybrid.Core.Monitor;
using CoreTraining = Hybrid.Core.Training;

namespace Hybrid.Tests;

/// <summary>Early stopping on accuracy or loss (Keras's mode and min_delta), EpochReport timing, the synchronous ConsoleProgress, the stratified ValidationSplit.</summary>
public class MonitorAndProgressTests
{
    private static Network SmallNet(int inputs, int classes, int seed = 1) =>
        Network.Create(inputs).Dense(8, Activation.Tanh).Dense(classes, Activation.Softmax).Build(Initializer.Default(seed));

    [Fact]
    public void Improves_follows_the_mode_and_min_delta_of_each_metric()
    {
        FSharpOption<double> best = 0.5;
        Assert.True(CoreTraining.improves(CoreMonitor.MonitorLoss, 0.1, FSharpOption<double>.None, 99));  // the first epoch always
        Assert.True(CoreTraining.improves(CoreMonitor.MonitorLoss, 0.1, best, 0.39));                      // 0.39 < 0.5 − 0.1
        Assert.False(CoreTraining.improves(CoreMonitor.MonitorLoss, 0.1, best, 0.41));
        Assert.False(CoreTraining.improves(CoreMonitor.MonitorLoss, 0.0, best, 0.5));                      // equal is no improvement
        Assert.True(CoreTraining.improves(CoreMonitor.MonitorAccuracy, 0.1, best, 0.61));                  // 0.61 > 0.5 + 0.1
        Assert.False(CoreTraining.improves(CoreMonitor.MonitorAccuracy, 0.1, best, 0.59));
        Assert.False(CoreTraining.improves(CoreMonitor.MonitorAccuracy, 0.0, best, 0.4));                  // lower accuracy is worse
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void Early_stopping_on_accuracy_uses_mode_max_and_min_delta(double minDelta)
    {
        var (train, valid) = DataSets.Blobs(120, 0.4, seed: 3).TrainTestSplit(0.25, 1);
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.02))
        { Epochs = 200, BatchSize = 16, Seed = 2, Patience = 4, MinDelta = minDelta, Monitor = EarlyStoppingMetric.Accuracy, RestoreBestWeights = true };
        var result = trainer.Fit(SmallNet(2, 3), train.Features, train.Targets, valid.Features, valid.Targets);

        // Recompute the Keras rule from the reported validation accuracies: best if v > best + δ.
        var acc = result.History.Select(r => r.ValidationAccuracy!.Value).ToArray();
        double bestSoFar = double.NaN;
        int bestEpoch = 0, since = 0;
        for (int e = 0; e < acc.Length; e++)
        {
            bool isBest = e == 0 || acc[e] > bestSoFar + minDelta;
            Assert.Equal(isBest, result.History[e].IsBest);
            if (isBest) { bestSoFar = acc[e]; bestEpoch = e + 1; since = 0; } else since++;
        }
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal(4, since);                              // stopped exactly when patience ran out
        Assert.Equal(bestEpoch, result.BestEpoch);
        Assert.Equal(bestEpoch + 4, result.History.Count);
        Assert.Equal(acc[bestEpoch - 1], result.Network.Evaluate(valid.Features, valid.Targets).Accuracy); // restored
        // Watching the loss instead gives another run: the loss keeps falling after the accuracy stalls.
        var lossResult = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.02)) { Epochs = 200, BatchSize = 16, Seed = 2, Patience = 4, MinDelta = minDelta }
            .Fit(SmallNet(2, 3), train.Features, train.Targets, valid.Features, valid.Targets);
        Assert.True(lossResult.History.Count > result.History.Count, $"loss-watching stopped after {lossResult.History.Count} epochs, accuracy-watching after {result.History.Count}");
    }

    [Fact]
    public void Epoch_reports_carry_elapsed_time_and_rows_per_second()
    {
        var d = DataSets.LogicGate("xor");
        var result = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 20, BatchSize = 2 }.Fit(SmallNet(2, 2), d.Features, d.Targets);
        Assert.All(result.History, r => Assert.True(r.SamplesPerSecond > 0 && double.IsFinite(r.SamplesPerSecond)));
        Assert.True(result.History[0].Elapsed > TimeSpan.Zero);
        Assert.True(result.History.Zip(result.History.Skip(1)).All(p => p.Second.Elapsed >= p.First.Elapsed), "Elapsed must not decrease");
    }

    [Fact]
    public void ConsoleProgress_writes_2000_epochs_in_order_on_the_training_thread()
    {
        var d = DataSets.LogicGate("xor");
        var writer = new StringWriter();
        int trainingThread = Environment.CurrentManagedThreadId;
        var threads = new List<int>();
        var progress = new ConsoleProgress(writer, format: r => { threads.Add(Environment.CurrentManagedThreadId); return r.ToString(); });
        var result = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 2000, BatchSize = 4 }.Fit(SmallNet(2, 2), d.Features, d.Targets, progress);
        // Every line is there the moment Fit returns (nothing queued), one per epoch, in order.
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2000, lines.Length);
        for (int e = 0; e < lines.Length; e++) Assert.StartsWith($"epoch {e + 1}:", lines[e]);
        Assert.Equal(result.History.Select(r => r.ToString()), lines);
        Assert.All(threads, t => Assert.Equal(trainingThread, t));
    }

    [Fact]
    public void ConsoleProgress_every_n_epochs_and_with_timing()
    {
        var d = DataSets.LogicGate("and");
        var w = new StringWriter();
        var r2 = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(1e-9)) { Epochs = 10, BatchSize = 4 }
            .Fit(SmallNet(2, 2), d.Features, d.Targets, new ConsoleProgress(w, every: 4, format: ConsoleProgress.WithTiming));
        var lines = w.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        // Epochs 1, 5, 9, plus any epoch marked best (with η ≈ 0 the loss still creeps down, so each may be best).
        var expected = r2.History.Where(r => (r.Epoch - 1) % 4 == 0 || r.IsBest).Select(r => r.Epoch).ToArray();
        Assert.Equal(expected, lines.Select(l => int.Parse(l.Split(':')[0]["epoch ".Length..])).ToArray());
        Assert.All(lines, l => Assert.Contains(" rows/s]", l));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConsoleProgress(w, every: 0));
    }

    [Fact]
    public void ValidationSplit_with_labels_is_the_stratified_split_of_TrainTestSplit()
    {
        var data = DataSets.Iris();
        var (train, valid) = data.TrainTestSplit(0.2, seed: 5);
        var standard = Preprocessor.FitStandardize(data.Features);
        var x = standard.Transform(data);
        var (xt, xv) = (standard.Transform(train), standard.Transform(valid));
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.01)) { Epochs = 3, BatchSize = 16, Seed = 5 };
        var explicitRun = trainer.Fit(SmallNet(4, 3), xt.Features, xt.Targets, xv.Features, xv.Targets);
        var splitRun = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.01)) { Epochs = 3, BatchSize = 16, Seed = 5, ValidationSplit = 0.2 }
            .Fit(SmallNet(4, 3), x.Features, x.Targets);
        // The same rows in the same order: bit-identical histories.
        Assert.Equal(explicitRun.History.Select(r => (r.TrainingLoss, r.ValidationLoss)), splitRun.History.Select(r => (r.TrainingLoss, r.ValidationLoss)));
        Assert.Equal(new[] { 10, 10, 10 }, valid.ClassCounts());
        // 0.009·50 = 0.45 rounds to 0 in every class: a split that holds out no row names the validation split.
        var e = Assert.Throws<ArgumentException>(() => new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { ValidationSplit = 0.009 }.Fit(SmallNet(4, 3), x.Features, x.Targets));
        Assert.Contains("validation", e.Message);
        Assert.Equal("ValidationSplit", e.ParamName);
    }
}
