using System.Globalization;
namespace Hybrid.Tests;

/// <summary>Tests that switch the process-wide backend run alone, so no other test sees a switch
/// in the middle of a bit-identical comparison.</summary>
[CollectionDefinition("Backend", DisableParallelization = true)]
public class BackendCollection { }

/// <summary>The product backend switch: the names it accepts, the errors it gives, and that a
/// product gives the same numbers under both backends.</summary>
[Collection("Backend")]
public class BackendTests
{
    [Fact]
    public void An_unknown_backend_is_an_ArgumentException_naming_the_allowed_values()
    {
        var e = Assert.Throws<ArgumentException>(() => Backend.Use("cuda"));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("\"cuda\" is not a backend", e.Message);
        Assert.Contains("\"managed\" and \"openblas\"", e.Message);
        Assert.Throws<ArgumentNullException>(() => Backend.Use(null!));
    }

    [Fact]
    public void Use_switches_the_backend_Current_reports()
    {
        var before = Backend.Current;
        try
        {
            Backend.Use("Managed");
            Assert.Equal("managed", Backend.Current);
            if (Backend.OpenBlasAvailable)
            {
                Backend.Use(" openblas ");
                Assert.Equal("openblas", Backend.Current);
            }
            else
            {
                var e = Assert.Throws<ArgumentException>(() => Backend.Use("openblas"));
                Assert.Contains("libopenblas.so.0 was not found", e.Message);
            }
        }
        finally { Backend.Use(before); }
    }

    [Theory]
    [InlineData(Precision.Double)]
    [InlineData(Precision.Single)]
    public void Batches_gathered_in_parts_on_two_threads_train_as_on_one(Precision precision)
    {
        // Batches of 128 rows × 600 inputs (76,800 values) are gathered in two parts when Threads ≥ 2,
        // each part checking its own rows, and the 77,106 parameters are updated in two parts; the
        // products' split never changes a sum's order, so one thread and two give the same bits.
        var rng = new Random(9);
        double[][] x = [.. Enumerable.Range(0, 640).Select(_ => Enumerable.Range(0, 600).Select(_ => rng.NextDouble() - 0.5).ToArray())];
        int[] y = [.. x.Select(r => r[0] + r[1] > 0 ? 1 : 0)];
        var net = Network.Create(600).Dense(128, Activation.ReLU).Dense(2, Activation.Softmax).Build(Initializer.HeNormal(2));
        Trainer Trainer(int seed, double rate = 0.05) =>
            new(Loss.CrossEntropy, Optimizer.Momentum(rate, 0.9)) { BatchSize = 128, Epochs = 2, Seed = seed, Precision = precision, DivergenceFactor = double.PositiveInfinity };
        int before = Backend.Threads;
        try
        {
            Backend.Threads = 1;
            var one = Trainer(3).Fit(net, x, y);
            Backend.Threads = 2;
            var two = Trainer(3).Fit(net, x, y);
            Assert.Equal(one.Network.GetParameters().SelectMany(p => p.Values.Cast<double>()), two.Network.GetParameters().SelectMany(p => p.Values.Cast<double>()));
            Assert.Equal(one.History.Select(h => h.TrainingLoss), two.History.Select(h => h.TrainingLoss));
            // A rate that overflows the weights: both stop at the same batch for the same reason,
            // whichever part of the update the first non-finite value falls in.
            Backend.Threads = 1;
            var blowUpOne = Trainer(3, 1e30).Fit(net, x, y);
            Backend.Threads = 2;
            var blowUpTwo = Trainer(3, 1e30).Fit(net, x, y);
            Assert.Equal(StopReason.NonFiniteLoss, blowUpTwo.StopReason);
            Assert.Equal(blowUpOne.Message, blowUpTwo.Message);
            // One bad row: under each seed's shuffle it lands in either part of its batch, and is found.
            x[450][7] = double.NaN;
            foreach (var seed in Enumerable.Range(1, 8))
                Assert.StartsWith("x has a non-finite value NaN at row 450, column 7.", Assert.Throws<ArgumentException>(() => Trainer(seed).Fit(net, x, y)).Message);
        }
        finally { Backend.Threads = before; }
    }

    [Theory]
    [InlineData(Precision.Double, 1e200, 1e-50)]
    [InlineData(Precision.Single, 1e35, 1e-25)]
    public void A_gradient_that_overflows_in_either_part_of_a_split_update_stops_training(Precision precision, double big, double tiny)
    {
        // One identity layer 600 → 128 (76,928 parameters: the update runs in two parts with Threads ≥ 2,
        // the second holding rows 300..599 of W). Input 599 is `big` and its weights `tiny`, so every
        // output and the loss stay finite while ∂J/∂W for row 599 (big · dz, summed over the batch)
        // overflows: only the second part sees it. One thread and two must stop at the same batch
        // with the same message.
        var rng = new Random(5);
        double[][] x = [.. Enumerable.Range(0, 256).Select(_ => Enumerable.Range(0, 600).Select(j => j == 599 ? big : rng.NextDouble()).ToArray())];
        double[][] targets = [.. x.Select(_ => new double[128])];
        var weights = string.Join(",", Enumerable.Range(0, 600).Select(j =>
            "[" + string.Join(",", Enumerable.Range(0, 128).Select(k => (j == 599 ? tiny : 1e-3 * Math.Sin(j + 0.1 * k)).ToString("R", CultureInfo.InvariantCulture))) + "]"));
        var net = Network.FromJson("{\"format\":\"hybrid-network\",\"version\":1,\"inputs\":600,\"layers\":[{\"type\":\"dense\",\"activation\":\"identity\",\"weights\":[" +
                                   weights + "],\"biases\":[" + string.Join(",", Enumerable.Repeat("0", 128)) + "]}]}");
        var trainer = new Trainer(Loss.MeanSquaredError, Optimizer.Sgd(0.01)) { BatchSize = 128, Epochs = 1, Precision = precision, DivergenceFactor = double.PositiveInfinity };
        int before = Backend.Threads;
        try
        {
            Backend.Threads = 1;
            var one = trainer.Fit(net, x, Targets.FromRows(targets));
            Backend.Threads = 2;
            var two = trainer.Fit(net, x, Targets.FromRows(targets));
            Assert.Equal(StopReason.NonFiniteLoss, one.StopReason);
            Assert.Contains("batch 1", one.Message);
            Assert.Equal(one.Message, two.Message);
        }
        finally { Backend.Threads = before; }
    }

    [Fact]
    public void Threads_below_one_are_rejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.Threads = 0);
        Assert.Equal("Threads", e.ParamName);
    }

    [Fact]
    public void A_prediction_is_the_same_under_both_backends_within_rounding()
    {
        Assert.True(Backend.OpenBlasAvailable, "libopenblas.so.0 is required here (apt-get install libopenblas0-pthread; CI installs it).");
        var before = Backend.Current;
        try
        {
            var network = Network.Create(300).Dense(200, Activation.Tanh).Dense(10, Activation.Softmax).Build(Initializer.HeNormal(4));
            var rows = Enumerable.Range(0, 64).Select(i => Enumerable.Range(0, 300).Select(j => Math.Sin(i * 300 + j)).ToArray()).ToArray();
            Backend.Use("managed");
            var managed = network.Predict(rows);
            Backend.Use("openblas");
            var native = network.Predict(rows);
            for (var i = 0; i < managed.Length; i++)
                for (var j = 0; j < managed[i].Length; j++)
                    Assert.True(Math.Abs(managed[i][j] - native[i][j]) <= 1e-12, $"({i}, {j}): {managed[i][j]} vs {native[i][j]}");
        }
        finally { Backend.Use(before); }
    }
}
