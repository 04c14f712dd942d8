using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Tests;

/// <summary>A synchronous IProgress (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class Recorder(Action<EpochReport>? onReport = null) : IProgress<EpochReport>
{
    public List<EpochReport> Reports { get; } = [];

    public void Report(EpochReport value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}

/// <summary>The contract of Trainer: settings, determinism, early stopping, restore-best, cancellation, the NaN stop.</summary>
public class TrainerTests
{
    private static readonly double[][] X = Enumerable.Range(0, 40).Select(i => new[] { Math.Sin(i), Math.Cos(1.7 * i), i % 3 - 1.0 }).ToArray();
    private static readonly int[] Y = X.Select(r => r[0] + r[1] > 0 ? 1 : 0).ToArray();

    private static Network Net(int seed = 1) =>
        Network.Create(3).Dense(6, Activation.Tanh).Dense(2, Activation.Softmax).Build(Initializer.XavierNormal(seed));

    private static double[] Flatten(Network n) => n.GetParameters().SelectMany(p => p.Values.Cast<double>()).ToArray();

    [Fact]
    public void Settings_are_validated_when_set_and_name_the_setting()
    {
        var adam = Optimizer.Adam();
        Assert.Equal("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Loss.CrossEntropy, adam) { BatchSize = 0 }).ParamName);
        Assert.Equal("Epochs", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Loss.CrossEntropy, adam) { Epochs = -1 }).ParamName);
        Assert.Equal("ValidationSplit", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Loss.CrossEntropy, adam) { ValidationSplit = 1 }).ParamName);
        Assert.Equal("WeightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Loss.CrossEntropy, adam) { WeightDecay = double.NaN }).ParamName);
        Assert.Equal("Patience", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Loss.CrossEntropy, adam) { Patience = -1 }).ParamName);
        Assert.Equal("MinDelta", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Loss.CrossEntropy, adam) { MinDelta = -1 }).ParamName);
        Assert.Equal("Schedule", Assert.Throws<ArgumentNullException>(() => new Trainer(Loss.CrossEntropy, adam) { Schedule = null! }).ParamName);
        Assert.Equal("loss", Assert.Throws<ArgumentNullException>(() => new Trainer(null!, adam)).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new Trainer(Loss.CrossEntropy, null!)).ParamName);
    }

    [Fact]
    public void Optimizers_and_schedules_reject_bad_hyper_parameters()
    {
        Assert.Equal("learningRate", Assert.Throws<ArgumentException>(() => Optimizer.Sgd(0)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentException>(() => Optimizer.Adam(double.NaN)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentException>(() => Optimizer.Momentum(-1)).ParamName);
        Assert.Contains("momentum", Assert.Throws<ArgumentException>(() => Optimizer.Momentum(0.1, 1.0)).Message);
        Assert.Contains("momentum", Assert.Throws<ArgumentException>(() => Optimizer.Nesterov(0.1, -0.1)).Message);
        Assert.Contains("beta1", Assert.Throws<ArgumentException>(() => Optimizer.Adam(beta1: 1)).Message);
        Assert.Contains("beta2", Assert.Throws<ArgumentException>(() => Optimizer.Adam(beta2: 1.5)).Message);
        Assert.Throws<ArgumentException>(() => Optimizer.AdaGrad(0.1, epsilon: 0));
        Assert.Contains("decay", Assert.Throws<ArgumentException>(() => Optimizer.RmsProp(0.1, decay: 1)).Message);
        Assert.Equal("everyEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(0, 0.5)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Exponential(0)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(2, 1.5)).ParamName);
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.Constant.RateAt(0.1, -1));
    }

    public static TheoryData<string, string, string> BadOptimizerArguments => new()
    {
        { "sgd lr", "learningRate", "-0.5" },
        { "momentum", "momentum", "1" },
        { "nesterov", "momentum", "-0.1" },
        { "adagrad epsilon", "epsilon", "0" },
        { "adagrad lr", "learningRate", "NaN" },
        { "rmsprop decay", "decay", "1.5" },
        { "rmsprop epsilon", "epsilon", "-1" },
        { "adam beta1", "beta1", "1" },
        { "adam beta2", "beta2", "-0.2" },
        { "adam epsilon", "epsilon", "Infinity" },
    };

    [Theory]
    [MemberData(nameof(BadOptimizerArguments))]
    public void Optimizer_factories_name_the_bad_argument_and_its_value(string call, string parameter, string value)
    {
        Action make = call switch
        {
            "sgd lr" => () => Optimizer.Sgd(-0.5),
            "momentum" => () => Optimizer.Momentum(0.1, 1),
            "nesterov" => () => Optimizer.Nesterov(0.1, -0.1),
            "adagrad epsilon" => () => Optimizer.AdaGrad(0.1, 0),
            "adagrad lr" => () => Optimizer.AdaGrad(double.NaN),
            "rmsprop decay" => () => Optimizer.RmsProp(0.1, decay: 1.5),
            "rmsprop epsilon" => () => Optimizer.RmsProp(0.1, epsilon: -1),
            "adam beta1" => () => Optimizer.Adam(beta1: 1),
            "adam beta2" => () => Optimizer.Adam(beta2: -0.2),
            _ => () => Optimizer.Adam(epsilon: double.PositiveInfinity),
        };
        var e = Assert.Throws<ArgumentException>(make);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"{parameter} must", e.Message);
        Assert.Contains($"but is {value}", e.Message);
    }

    [Fact]
    public void Fit_rejects_bad_data_before_doing_anything()
    {
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam());
        var net = Net();
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => trainer.Fit(null!, X, Y)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => trainer.Fit(net, new double[0, 3], new int[0])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => trainer.Fit(net, X, Y.Take(5).ToArray())).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(net, X, Y.Select(v => v * 3).ToArray())).ParamName);
        var bad = X.Select(r => (double[])r.Clone()).ToArray();
        bad[7][2] = double.NaN;
        Assert.Contains("row 7, column 2", Assert.Throws<ArgumentException>(() => trainer.Fit(net, bad, Y)).Message);
        Assert.Equal("validationX", Assert.Throws<ArgumentException>(() => trainer.Fit(net, X, Y, new double[2, 4], new[] { 0, 1 })).ParamName);
        var split = new Trainer(Loss.CrossEntropy, Optimizer.Adam()) { ValidationSplit = 0.2 };
        Assert.Throws<ArgumentException>(() => split.Fit(net, X, Y, X, Y));
        Assert.Contains("validation", Assert.Throws<ArgumentException>(() => new Trainer(Loss.CrossEntropy, Optimizer.Adam()) { ValidationSplit = 0.1 }.Fit(net, X.Take(3).ToArray(), Y.Take(3).ToArray())).Message);
    }

    [Fact]
    public void Fit_returns_a_new_network_and_leaves_the_given_one_unchanged()
    {
        var net = Net();
        var before = Flatten(net);
        var result = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 3 }.Fit(net, X, Y);
        Assert.Equal(before, Flatten(net));
        Assert.NotSame(net, result.Network);
        Assert.NotEqual(before, Flatten(result.Network));
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("nesterov")]
    [InlineData("adagrad")]
    [InlineData("rmsprop")]
    [InlineData("adam")]
    public void The_same_seeds_give_bit_identical_weights_and_history_for_every_optimizer(string name)
    {
        Optimizer Make() => name switch
        {
            "sgd" => Optimizer.Sgd(0.1),
            "momentum" => Optimizer.Momentum(0.1),
            "nesterov" => Optimizer.Nesterov(0.1),
            "adagrad" => Optimizer.AdaGrad(0.1),
            "rmsprop" => Optimizer.RmsProp(0.01),
            _ => Optimizer.Adam(0.01),
        };
        TrainingResult Run(int seed) =>
            new Trainer(Loss.CrossEntropy, Make()) { Epochs = 4, BatchSize = 8, Seed = seed, ValidationSplit = 0.25, WeightDecay = 1e-3 }
                .Fit(Network.Create(3).Dense(5, Activation.ReLU).Dropout(0.3).Dense(2, Activation.Softmax).Build(Initializer.He(3)), X, Y);
        var a = Run(9);
        var b = Run(9);
        var c = Run(10);
        Assert.Equal(Flatten(a.Network), Flatten(b.Network));
        Assert.Equal(a.History.Select(h => h.TrainingLoss), b.History.Select(h => h.TrainingLoss));
        Assert.Equal(a.History.Select(h => h.ValidationLoss), b.History.Select(h => h.ValidationLoss));
        Assert.NotEqual(Flatten(a.Network), Flatten(c.Network));
        Assert.All(a.History, h => Assert.True(h.TrainingLoss > 0 && h.TrainingLoss < 10));
    }

    [Fact]
    public void Jagged_rectangular_and_matrix_data_train_identically()
    {
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 2, BatchSize = 7 };
        var rect = new double[X.Length, 3];
        for (int i = 0; i < X.Length; i++) for (int j = 0; j < 3; j++) rect[i, j] = X[i][j];
        var a = trainer.Fit(Net(), X, Y);
        var b = trainer.Fit(Net(), rect, Y);
        var c = trainer.Fit(Net(), Matrix<double>.Build.DenseOfRowArrays(X), Matrix<double>.Build.DenseOfRowArrays(Y.Select(v => v == 0 ? new[] { 1.0, 0 } : [0.0, 1]).ToArray()));
        Assert.Equal(Flatten(a.Network), Flatten(b.Network));
        Assert.Equal(Flatten(a.Network), Flatten(c.Network));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Training_loss_and_accuracy_are_the_row_weighted_mean_of_the_batches_own_forward_passes(bool reference)
    {
        // One epoch of SGD with L2, batches of 16, 16 and 8 rows. Independently: walk the same
        // batches (the core's shuffle for epoch 0), take each batch's data loss and accuracy with
        // the weights before its step, then step on that batch alone (one epoch of one batch).
        const int seed = 5, batch = 16;
        const double eta = 0.3, decay = 1e-2;
        var result = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(eta)) { Epochs = 1, BatchSize = batch, Seed = seed, WeightDecay = decay, UseReferencePath = reference }
            .Fit(Net(), X, Y);
        var batches = Hybrid.Core.Optimizer.minibatches(Hybrid.Core.Init.derive(seed, 0), X.Length, batch);
        Assert.Equal(3, batches.Length);
        var net = Net();
        double lossSum = 0, correct = 0;
        foreach (var rows in batches)
        {
            var xb = rows.Select(i => X[i]).ToArray();
            var yb = rows.Select(i => Y[i]).ToArray();
            var before = net.Evaluate(xb, yb, Loss.CrossEntropy);
            lossSum += rows.Length * net.ComputeLoss(Loss.CrossEntropy, xb, yb);
            correct += rows.Length * before.Accuracy;
            net = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(eta)) { Epochs = 1, BatchSize = rows.Length, WeightDecay = decay, UseReferencePath = true }.Fit(net, xb, yb).Network;
        }
        var report = Assert.Single(result.History);
        Assert.Equal(lossSum / X.Length, report.TrainingLoss, 1e-12);
        Assert.Equal(correct / X.Length, report.TrainingAccuracy, 1e-12);
        // Not the loss of the trained weights on the whole set (the old post-epoch pass).
        Assert.NotEqual(result.Network.ComputeLoss(Loss.CrossEntropy, X, Y), report.TrainingLoss, 1e-6);
        Assert.Equal(Flatten(net), Flatten(result.Network), (a, b) => Math.Abs(a - b) <= 1e-12);
    }

    [Fact]
    public void Progress_receives_one_report_per_epoch_with_the_scheduled_learning_rate()
    {
        var recorder = new Recorder();
        var schedule = LearningRateSchedule.Step(everyEpochs: 2, factor: 0.5);
        var result = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.2)) { Epochs = 5, Schedule = schedule }.Fit(Net(), X, Y, recorder);
        Assert.Equal([1, 2, 3, 4, 5], recorder.Reports.Select(r => r.Epoch));
        Assert.Equal([0.2, 0.2, 0.1, 0.1, 0.05], recorder.Reports.Select(r => r.LearningRate));
        Assert.Equal(result.History.Select(h => h.TrainingLoss), recorder.Reports.Select(r => r.TrainingLoss));
        Assert.All(recorder.Reports, r => Assert.Null(r.ValidationLoss));
        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(5, result.EpochsCompleted);
        Assert.Equal(0.2 * Math.Pow(0.9, 3), LearningRateSchedule.Exponential(0.9).RateAt(0.2, 3));
    }

    [Fact]
    public void Cancellation_throws_OperationCanceledException_and_leaves_the_network_unchanged()
    {
        using var cts = new CancellationTokenSource();
        var net = Net();
        var before = Flatten(net);
        var recorder = new Recorder(r => { if (r.Epoch == 2) cts.Cancel(); });
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam()) { Epochs = 50 };
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(net, X, Y, recorder, cts.Token));
        Assert.Equal(2, recorder.Reports.Count);
        Assert.Equal(before, Flatten(net));
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(net, X, Y, null, cts.Token));
    }

    [Fact]
    public void A_loss_that_becomes_infinite_stops_training_with_a_clear_report_and_the_last_good_weights()
    {
        // Linear regression with a learning rate far beyond 2/λ_max: the weights grow ×~10⁴ per step
        // and overflow within a few epochs.
        double[][] x = Enumerable.Range(0, 16).Select(i => new[] { i - 8.0, (i * 7 % 16) - 8.0 }).ToArray();
        double[][] y = x.Select(r => new[] { 3 * r[0] - 2 * r[1] }).ToArray();
        var net = Network.Create(2).Dense(1, Activation.Identity).Build(Initializer.Constant(0.1));
        var result = new Trainer(Loss.MeanSquaredError, Optimizer.Sgd(10)) { Epochs = 100, BatchSize = 16, DivergenceFactor = double.PositiveInfinity }.Fit(net, x, y);
        Assert.Equal(StopReason.NonFiniteLoss, result.StopReason);
        Assert.Contains("non-finite", result.Message);
        Assert.Contains("epoch", result.Message);
        Assert.True(result.EpochsCompleted < 100);
        Assert.All(Flatten(result.Network), v => Assert.True(double.IsFinite(v)));
        Assert.All(result.History, h => Assert.True(double.IsFinite(h.TrainingLoss)));
        Assert.All(result.Network.Predict(x), p => Assert.True(double.IsFinite(p[0])));
    }

    // Two identical rows x = 1, y = 0, batch size 1 (two steps per epoch) and an identity unit
    // p = w + b: each SGD step on J = p²/2 multiplies p by 1 − 2η = −10^k. With p0 = 0.2 every
    // batch loss, gradient and parameter stays finite, but after the last step of epoch `bad` p is
    // about 2·10^(2·k·bad − 1) > 1.3·10^154, so the whole-set loss p²/2 overflows to +∞ at that
    // epoch's end (and no earlier: the batch losses are taken before each step).
    private static readonly double[][] TwoRows = [[1.0], [1.0]];
    private static readonly double[][] Zeros = [[0.0], [0.0]];

    private static TrainingResult Overflow(double growth, int epochs, bool restore = false) =>
        // The divergence rule off: these cases test the non-finite rule alone.
        new Trainer(Loss.MeanSquaredError, Optimizer.Sgd((1 + growth) / 2)) { Epochs = epochs, BatchSize = 1, RestoreBestWeights = restore, DivergenceFactor = double.PositiveInfinity }
            .Fit(Network.Create(1).Dense(1, Activation.Identity).Build(Initializer.Constant(0.1)), TwoRows, Zeros, TwoRows, Zeros);

    [Fact]
    public void A_whole_set_loss_that_overflows_at_epoch_end_rolls_back_to_the_start_of_that_epoch()
    {
        // 1 − 2η = −1e40: p ≈ 2e39, 2e79 (epoch 1), 2e119, 2e159 (epoch 2). Every batch loss is taken
        // before its step (p² ≤ 4e238, finite); the validation pass after epoch 2 sees p² = +∞.
        var result = Overflow(1e40, epochs: 10);
        var afterEpoch1 = Overflow(1e40, epochs: 1);
        Assert.Equal(StopReason.Completed, afterEpoch1.StopReason);
        Assert.Equal(StopReason.NonFiniteLoss, result.StopReason);
        Assert.Contains("after epoch 2", result.Message);
        Assert.Equal(1, result.EpochsCompleted);
        Assert.False(result.RestoredBestWeights);
        // The network at the start of epoch 2, not the one before its last step.
        Assert.Equal(Flatten(afterEpoch1.Network), Flatten(result.Network));
        Assert.All(Flatten(result.Network), v => Assert.True(Math.Abs(v) > 1e78 && double.IsFinite(v)));
    }

    [Fact]
    public void Restore_best_after_a_NaN_stop_returns_the_best_epochs_weights()
    {
        // 1 − 2η = −1e27: the loss grows every epoch (epoch 1 is the best) and overflows at the
        // end of epoch 3; without restore the result would be the network after epoch 2.
        var result = Overflow(1e27, epochs: 10, restore: true);
        var withoutRestore = Overflow(1e27, epochs: 10);
        var afterEpoch1 = Overflow(1e27, epochs: 1);
        var afterEpoch2 = Overflow(1e27, epochs: 2);
        Assert.Equal(StopReason.NonFiniteLoss, result.StopReason);
        Assert.Equal(2, result.EpochsCompleted);
        Assert.Equal(1, result.BestEpoch);
        Assert.True(result.RestoredBestWeights);
        Assert.Contains("best epoch 1", result.Message);
        Assert.Equal(Flatten(afterEpoch1.Network), Flatten(result.Network));
        Assert.Equal(Flatten(afterEpoch2.Network), Flatten(withoutRestore.Network));
        Assert.NotEqual(Flatten(afterEpoch1.Network), Flatten(afterEpoch2.Network));
    }

    // Validation labels are the training labels flipped: the better the network fits the training
    // set, the worse it does on validation, so the validation loss is lowest early.
    private static TrainingResult Overfit(int patience, bool restore, int epochs = 12) =>
        new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = epochs, Patience = patience, RestoreBestWeights = restore, Seed = 4 }
            .Fit(Net(), X, Y, X, Y.Select(v => 1 - v).ToArray());

    [Fact]
    public void Early_stopping_stops_after_patience_epochs_without_improvement()
    {
        var result = Overfit(patience: 3, restore: false);
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal(result.BestEpoch + 3, result.EpochsCompleted);
        Assert.All(result.History.Skip(result.BestEpoch), h => Assert.False(h.IsBest));
        Assert.True(result.History[result.BestEpoch - 1].IsBest);
        double best = result.History.Min(h => h.ValidationLoss!.Value);
        Assert.Equal(best, result.History[result.BestEpoch - 1].ValidationLoss);
        Assert.False(result.RestoredBestWeights);
        // Without restore, the result is the last epoch's network. The fast path's validation pass
        // sums in batch-sized chunks: equal up to rounding (exact equality held only by chance of
        // the data the seed drew).
        var flipped = Y.Select(v => 1 - v).ToArray();
        Assert.Equal(result.History[^1].ValidationLoss!.Value, result.Network.ComputeLoss(Loss.CrossEntropy, X, flipped), 1e-12);
    }

    [Fact]
    public void Restore_best_returns_the_best_epochs_weights_after_an_early_stop()
    {
        var result = Overfit(patience: 3, restore: true);
        var flipped = Y.Select(v => 1 - v).ToArray();
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.True(result.RestoredBestWeights);
        // The fast path's validation pass sums in batch-sized chunks: equal up to rounding.
        Assert.Equal(result.History[result.BestEpoch - 1].ValidationLoss!.Value, result.Network.ComputeLoss(Loss.CrossEntropy, X, flipped), 1e-12);
        Assert.Contains("best epoch", result.Message);
    }

    [Fact]
    public void Restore_best_applies_also_when_all_epochs_run()
    {
        var result = Overfit(patience: 0, restore: true, epochs: 8);
        var flipped = Y.Select(v => 1 - v).ToArray();
        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(8, result.EpochsCompleted);
        Assert.True(result.BestEpoch < 8);
        Assert.Equal(result.History.Min(h => h.ValidationLoss!.Value), result.Network.ComputeLoss(Loss.CrossEntropy, X, flipped), 1e-12);
    }

    [Fact]
    public void Without_a_validation_set_early_stopping_monitors_the_training_loss()
    {
        var result = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.5)) { Epochs = 30, Patience = 2, MinDelta = 0.05 }.Fit(Net(), X, Y);
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        var bestLoss = result.History[result.BestEpoch - 1].TrainingLoss;
        Assert.All(result.History.Skip(result.BestEpoch), h => Assert.True(h.TrainingLoss >= bestLoss - 0.05));
    }

    [Fact]
    public void A_validation_split_reports_validation_loss_and_accuracy()
    {
        var result = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 3, ValidationSplit = 0.25 }.Fit(Net(), X, Y);
        Assert.All(result.History, h =>
        {
            Assert.NotNull(h.ValidationLoss);
            Assert.InRange(h.ValidationAccuracy!.Value, 0, 1);
        });
    }

    [Fact]
    public void PReLU_alpha_and_maxout_pieces_are_trained()
    {
        var net = Network.Create(3).Dense(4, Activation.PReLU(0.25)).Maxout(3, pieces: 2).Dense(2, Activation.Softmax).Build(Initializer.Default(5));
        var result = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.5)) { Epochs = 5 }.Fit(net, X, Y);
        Assert.NotEqual(0.25, result.Network.Layers[0].Activation!.Parameter);
        Assert.NotEqual(net.GetWeights(1, 1), result.Network.GetWeights(1, 1));
        Assert.Equal(0.25, net.Layers[0].Activation!.Parameter);
    }

    [Fact]
    public void Weight_decay_shrinks_the_weights()
    {
        static double Norm(Network n) => n.GetParameters().Where(p => p.Name.EndsWith(" W")).Sum(p => p.Values.Cast<double>().Sum(v => v * v));
        var plain = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.3)) { Epochs = 20 }.Fit(Net(), X, Y);
        var decayed = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.3)) { Epochs = 20, WeightDecay = 0.05 }.Fit(Net(), X, Y);
        Assert.True(Norm(decayed.Network) < Norm(plain.Network));
    }

    [Theory]
    [InlineData(Precision.Double)]
    [InlineData(Precision.Single)]
    public void Fit_reads_rows_in_place_and_trains_exactly_as_on_a_copy(Precision precision)
    {
        // The same data as double[][] (read in place) and as double[,] (copied): the same weights, bit for bit.
        var rng = new Random(3);
        const int n = 3000, d = 200;
        var rows = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray()).ToArray();
        var grid = new double[n, d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) grid[i, j] = rows[i][j];
        var labels = rows.Select(r => r[0] + r[1] > 0 ? 1 : 0).ToArray();
        var net = Network.Create(d).Dense(2, Activation.Softmax).Build(Initializer.XavierNormal(4));
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { BatchSize = 100, Epochs = 2, Precision = precision };
        trainer.Fit(net, rows, labels); // warm-up: the plan's code and buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        var inPlace = trainer.Fit(net, rows, labels);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var copied = trainer.Fit(net, grid, labels);
        Assert.Equal(Flatten(copied.Network), Flatten(inPlace.Network));
        // A copy of x alone is n·d·8 = 4.8 MB; without it, Fit allocates the targets, the shuffles and the model's buffers.
        Assert.True(allocated < n * d * sizeof(double) / 4, $"Fit on double[][] allocated {allocated} bytes: a copy of x is {n * d * sizeof(double)}.");
    }

    [Fact]
    public void Rows_read_in_place_are_checked_as_a_copy_is()
    {
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 1 };
        string Message(double[][] x) => Assert.Throws<ArgumentException>(() => trainer.Fit(Net(), x, x.Select(_ => 0).ToArray())).Message;
        Assert.StartsWith("x has a non-finite value NaN at row 2, column 1.", Message([[1, 2, 3], [4, 5, 6], [7, double.NaN, 9]]));
        Assert.StartsWith("x has a non-finite value ∞ at row 0, column 2.", Message([[1, 2, double.PositiveInfinity]]).Replace("Infinity", "∞"));
        Assert.StartsWith("x is ragged: row 1 has 2 values but row 0 has 3.", Message([[1, 2, 3], [4, 5]]));
        Assert.StartsWith("x[1] is null.", Message([[1, 2, 3], null!]));
        Assert.StartsWith("x is empty (0×0)", Message([]));
        Assert.StartsWith("x has 2 columns but the network takes 3 inputs.", Message([[1, 2]]));
    }

    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void Float32_rows_train_in_place_exactly_as_the_same_values_in_float64_rows(Precision precision)
    {
        // Values that float32 holds exactly (multiples of 2^-10 below 8), so float[][] and double[][]
        // hold the same numbers: a float32 run copies its batches from either without rounding, a
        // float64 run widens the float32 rows exactly. The runs must agree bit for bit, without
        // Fit copying the float32 rows (a copy would be n·d·4 bytes).
        const int n = 4000, d = 200;
        var rng = new Random(11);
        var single = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => rng.Next(-8192, 8192) / 1024f).ToArray()).ToArray();
        var wide = single.Select(r => r.Select(v => (double)v).ToArray()).ToArray();
        var labels = wide.Select(r => r[0] + r[1] > 0 ? 1 : 0).ToArray();
        var net = Network.Create(d).Dense(8, Activation.ReLU).Dense(2, Activation.Softmax).Build(Initializer.HeNormal(2));
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.05)) { BatchSize = 64, Epochs = 2, Seed = 3, Precision = precision };
        trainer.Fit(net, single, labels); // warm-up: the plan's code and buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        var fromSingle = trainer.Fit(net, single, labels);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var fromDouble = trainer.Fit(net, wide, labels);
        Assert.Equal(Flatten(fromDouble.Network), Flatten(fromSingle.Network));
        Assert.Equal(fromDouble.History.Select(h => h.TrainingLoss), fromSingle.History.Select(h => h.TrainingLoss));
        Assert.True(allocated < n * d * sizeof(float) / 4, $"Fit on float[][] allocated {allocated} bytes: a copy of x is {n * d * sizeof(float)}.");
    }

    [Fact]
    public void Float32_rows_are_checked_and_work_on_the_reference_path_and_as_validation_data()
    {
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 1 };
        string Message(float[][] x) => Assert.Throws<ArgumentException>(() => trainer.Fit(Net(), x, x.Select(_ => 0).ToArray())).Message;
        Assert.StartsWith("x has a non-finite value NaN at row 2, column 1.", Message([[1, 2, 3], [4, 5, 6], [7, float.NaN, 9]]));
        Assert.StartsWith("x is ragged: row 1 has 2 values but row 0 has 3.", Message([[1, 2, 3], [4, 5]]));
        Assert.StartsWith("x[1] is null.", Message([[1, 2, 3], null!]));
        Assert.StartsWith("x is empty (0×0)", Message([]));
        Assert.StartsWith("x has 2 columns but the network takes 3 inputs.", Message([[1, 2]]));
        Assert.Throws<ArgumentNullException>(() => Features.FromRows((float[][])null!));
        // The reference path and validation data take float32 rows as a widened copy: the same
        // results as the float64 rows of the same values.
        float[][] x = [[0.5f, -1, 2], [1, 0.25f, -2], [-0.75f, 1, 0], [2, -0.5f, 1]];
        double[][] wide = x.Select(r => r.Select(v => (double)v).ToArray()).ToArray();
        int[] y = [0, 1, 1, 0];
        var reference = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 3, BatchSize = 2, UseReferencePath = true };
        Assert.Equal(Flatten(reference.Fit(Net(), wide, y).Network), Flatten(reference.Fit(Net(), x, y).Network));
        var fast = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 3, BatchSize = 2 };
        Assert.Equal(fast.Fit(Net(), wide, y, wide, y).History.Select(h => h.ValidationLoss),
                     fast.Fit(Net(), x, y, x, y).History.Select(h => h.ValidationLoss));
    }

    [Theory]
    [InlineData(3000, 4000, 3000)] // both in the second half of the rows
    [InlineData(4900, 10, 10)]     // one in each half, the first half's lower
    [InlineData(2600, 2400, 2400)] // one each side of the middle (2500)
    [InlineData(2500, 2499, 2499)] // the last row of the first half and the first of the second
    [InlineData(4999, -1, 4999)]   // only the last row
    [InlineData(2500, -1, 2500)]   // only the first row of the second half
    public void Many_rows_read_in_place_report_the_lowest_bad_row(int bad, int alsoBad, int reported)
    {
        // The values are checked as training gathers each batch of shuffled rows, so the first bad
        // batch need not hold the lowest bad row; the message still names it, as a check of every
        // row from the top would.
        var x = Enumerable.Range(0, 5000).Select(i => new[] { i * 1e-3, 1.0, -1.0 }).ToArray();
        x[bad][1] = double.NaN;
        if (alsoBad >= 0) x[alsoBad][2] = double.PositiveInfinity;
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 1 };
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(Net(), x, new int[5000]));
        Assert.StartsWith($"x has a non-finite value {x[reported].First(v => !double.IsFinite(v)):G} at row {reported}, column {(reported == bad ? 1 : 2)}.", e.Message);
    }
}
