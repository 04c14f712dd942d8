using System.Globalization;

namespace Hybrid.Tests;

/// <summary>
/// Epoch-end callbacks: the hook stops the run or changes the learning rate (kept across a resume),
/// and the built-ins follow Keras's rules: ReduceLearningRateOnPlateau against a hand-worked
/// sequence, ModelCheckpoint against the trainer's own restore-best rule, CsvLogger against the reports.
/// </summary>
public class CallbackTests
{
    private static readonly double[][] X = Enumerable.Range(0, 40).Select(i => new[] { Math.Sin(i), Math.Cos(1.7 * i), i % 3 - 1.0 }).ToArray();
    private static readonly int[] Y = X.Select(r => r[0] + r[1] > 0 ? 1 : 0).ToArray();

    private static Network Net() => Network.Create(3).Dense(6, Activation.Tanh).Dense(2, Activation.Softmax).Build(Initializer.XavierNormal(1));

    private static long[] Bits(Network n) => n.GetParameters().SelectMany(p => p.Values.Cast<double>()).Select(BitConverter.DoubleToInt64Bits).ToArray();

    private sealed class Hook(Action<EpochEndContext> act) : TrainingCallback
    {
        public override void OnEpochEnd(EpochEndContext context) => act(context);
    }

    [Fact]
    public void Reduce_on_plateau_follows_kerass_rule_on_a_hand_worked_sequence()
    {
        // factor 0.5, patience 2, minDelta 0.1, cooldown 1, minimum 0.3, rate 1 at the start.
        // e1 10: first value, best 10.        e2 9.95: not below 9.9, wait 1.   e3 9.95: wait 2 -> rate 0.5, cooldown 1.
        // e4 9: cooldown ends (wait 0); 9 < 9.9: best 9.                     e5 9: wait 1.   e6 9: wait 2 -> max(0.25, 0.3) = 0.3, cooldown 1.
        // e7 9: in cooldown, not counted.    e8 5: best 5.   e9 9: wait 1.   e10 9: wait 2, but 0.3 is not above the minimum: unchanged.
        double[] losses = [10, 9.95, 9.95, 9, 9, 9, 9, 5, 9, 9];
        double[] expected = [1, 1, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3, 0.3];
        var plateau = new ReduceLearningRateOnPlateau(factor: 0.5, patience: 2, minDelta: 0.1, cooldown: 1, minLearningRate: 0.3);
        double rate = 1;
        var rates = new List<double>();
        for (int e = 0; e < losses.Length; e++)
        {
            var context = new EpochEndContext(new EpochReport(e + 1, rate, 2 * losses[e], 0.5, validationLoss: losses[e]), rate, () => throw new InvalidOperationException("not asked for"));
            plateau.OnEpochEnd(context);
            rate = context.LearningRate;
            rates.Add(rate);
        }
        Assert.Equal(expected, rates);
    }

    [Fact]
    public void Reduce_on_plateau_refuses_parameters_out_of_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLearningRateOnPlateau(factor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLearningRateOnPlateau(patience: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLearningRateOnPlateau(minDelta: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLearningRateOnPlateau(minLearningRate: -1));
    }

    [Fact]
    public void A_callback_stops_the_run_after_the_epoch_it_asks_in()
    {
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.02)) { Epochs = 10, Callbacks = [new Hook(c => c.StopTraining = c.Report.Epoch == 3)] };
        var result = trainer.Fit(Net(), X, Y);
        Assert.Equal(StopReason.StoppedByCallback, result.StopReason);
        Assert.Equal(3, result.EpochsCompleted);
        Assert.Equal(3, result.State.EpochsCompleted);
        Assert.Contains("stopped by a callback after epoch 3", result.Message);
    }

    [Fact]
    public void A_rate_set_by_a_callback_applies_from_the_next_epoch_through_the_schedule_and_survives_a_resume()
    {
        var schedule = LearningRateSchedule.Exponential(0.5);
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.4))
        {
            Epochs = 2, Schedule = schedule,
            Callbacks = [new Hook(c => { if (c.Report.Epoch == 1) c.SetLearningRate(0.1); })],
        };
        var first = trainer.Fit(Net(), X, Y);
        // η_e = η0·0.5^e (e 0-based): epoch 1 at η0 = 0.4, epoch 2 at the callback's η0 = 0.1: 0.1·0.5.
        Assert.Equal([0.4, 0.05], first.History.Select(r => r.LearningRate));
        // Resumed without the callback, the state's rate carries on: epoch 3 at 0.1·0.5².
        var rest = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.4)) { Epochs = 1, Schedule = schedule }.Resume(first.State, X, Y);
        Assert.Equal(0.025, rest.History[0].LearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpochEndContext(first.History[0], 0.1, () => first.Network).SetLearningRate(0));
    }

    [Fact]
    public void A_checkpoint_of_the_best_epoch_holds_what_restore_best_returns()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hybrid-checkpoint-{Guid.NewGuid():N}.json");
        try
        {
            var flipped = Y.Select(v => 1 - v).ToArray();
            var checkpoint = new ModelCheckpoint(path);
            // Validation labels flipped: the validation loss is lowest early, then grows.
            var withCheckpoint = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 8, Seed = 4, Callbacks = [checkpoint] }.Fit(Net(), X, Y, X, flipped);
            var restored = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 8, Seed = 4, RestoreBestWeights = true }.Fit(Net(), X, Y, X, flipped);
            Assert.True(restored.RestoredBestWeights);
            Assert.True(restored.BestEpoch < 8);
            Assert.Equal(restored.BestEpoch, checkpoint.SavedEpoch);
            Assert.Equal(Bits(restored.Network), Bits(Network.Load(path)));
            // The run itself is unchanged by the callback.
            Assert.Equal(Bits(new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 8, Seed = 4 }.Fit(Net(), X, Y, X, flipped).Network), Bits(withCheckpoint.Network));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void The_csv_logger_writes_a_header_and_each_epochs_report_with_every_digit()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hybrid-log-{Guid.NewGuid():N}.csv");
        try
        {
            var result = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.02)) { Epochs = 3, ValidationSplit = 0.25, Callbacks = [new CsvLogger(path)] }.Fit(Net(), X, Y);
            var lines = File.ReadAllLines(path);
            Assert.Equal("epoch,learning_rate,loss,accuracy,val_loss,val_accuracy", lines[0]);
            Assert.Equal(4, lines.Length);
            for (int e = 0; e < 3; e++)
            {
                var f = lines[e + 1].Split(',');
                var r = result.History[e];
                Assert.Equal(r.Epoch, int.Parse(f[0], CultureInfo.InvariantCulture));
                Assert.Equal(r.LearningRate, double.Parse(f[1], CultureInfo.InvariantCulture));
                Assert.Equal(r.TrainingLoss, double.Parse(f[2], CultureInfo.InvariantCulture));
                Assert.Equal(r.TrainingAccuracy, double.Parse(f[3], CultureInfo.InvariantCulture));
                Assert.Equal(r.ValidationLoss!.Value, double.Parse(f[4], CultureInfo.InvariantCulture));
                Assert.Equal(r.ValidationAccuracy!.Value, double.Parse(f[5], CultureInfo.InvariantCulture));
            }
            // Appending adds lines without a second header.
            new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.02)) { Epochs = 1, Callbacks = [new CsvLogger(path, append: true)] }.Fit(Net(), X, Y);
            var appended = File.ReadAllLines(path);
            Assert.Equal(5, appended.Length);
            Assert.Equal(",,", appended[4][^2..]);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_training_checkpoint_every_three_epochs_resumes_to_the_bits_of_the_uninterrupted_run()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hybrid-state-{Guid.NewGuid():N}.json");
        try
        {
            Trainer Make(int epochs, params TrainingCallback[] callbacks) =>
                new(Loss.CrossEntropy, Optimizer.Adam(0.02)) { Epochs = epochs, Seed = 7, BatchSize = 8, Callbacks = callbacks };
            var checkpoint = new TrainingCheckpoint(path, everyEpochs: 3);
            // A run of 5 epochs saves after epoch 3 only; as if it had died after epoch 5, resume from the file.
            Make(5, checkpoint).Fit(Net(), X, Y);
            Assert.Equal(3, checkpoint.SavedEpoch);
            var saved = TrainingState.Load(path);
            Assert.Equal(3, saved.EpochsCompleted);
            var resumed = Make(3).Resume(saved, X, Y);
            var whole = Make(6).Fit(Net(), X, Y);
            Assert.Equal(Bits(whole.Network), Bits(resumed.Network));
            Assert.Equal(whole.History.Skip(3).Select(r => r.TrainingLoss), resumed.History.Select(r => r.TrainingLoss));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingCheckpoint(path, everyEpochs: 0));
            Assert.Throws<InvalidOperationException>(() => new EpochEndContext(whole.History[0], 0.1, () => whole.Network).State);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Callbacks_refuse_null()
    {
        Assert.Throws<ArgumentNullException>(() => new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Callbacks = null! });
        Assert.Throws<ArgumentException>(() => new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Callbacks = [null!] });
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint(" "));
        Assert.Throws<ArgumentException>(() => new CsvLogger(""));
    }
}
