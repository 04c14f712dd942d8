namespace Hybrid.Tests;

/// <summary>
/// The overflow policy (docs/facade-network.md "Overflow policy"). Finite inputs
/// to a finite network give finite results or an OverflowException naming where; training that
/// diverges stops with <see cref="StopReason.Diverged"/> whatever the optimiser.
/// </summary>
public sealed class OverflowTests
{
    // y = w·x with one weight, so the edge of overflow is known by hand: |w·x| ≤ double.MaxValue.
    private static Network Scale(double w) => Network.Create(1).Dense(new double[,] { { w } }, [0.0], Activation.Identity).Build();

    [Fact]
    public void Predict_at_the_edge_of_double_is_exact_inside_and_OverflowException_beyond()
    {
        Assert.Equal(double.MaxValue, Scale(1).Predict([double.MaxValue])[0]);
        Assert.Equal(-double.MaxValue, Scale(-1).Predict([double.MaxValue])[0]);
        Assert.Equal(double.MaxValue / 2, Scale(0.5).Predict([double.MaxValue])[0]);   // halving is exact
        var e = Assert.Throws<OverflowException>(() => Scale(2).Predict([double.MaxValue]));
        Assert.Contains("layer 0", e.Message);
        Assert.Contains("row 0, column 0", e.Message);
        Assert.Throws<OverflowException>(() => Scale(2).Predict(new[] { new[] { 1.0 }, new[] { -1e308 } }));
        Assert.Throws<OverflowException>(() => Scale(2).PredictClasses(new[] { new[] { 1e308 } }));
    }

    [Fact]
    public void A_NaN_that_ReLU_would_hide_is_reported_not_turned_into_a_plausible_output()
    {
        // The case: 784-256-128-10 with ReLU; inputs near ±1.8e308 overflow in the first
        // product, ReLU maps the NaN to 0 and the softmax gives a uniform 0.1.
        var net = Network.Create(784).Dense(256, Activation.ReLU).Dense(128, Activation.ReLU).Dense(10, Activation.Softmax).Build(Initializer.Default(1));
        var x = new double[784];
        for (int j = 0; j < x.Length; j++) x[j] = j % 2 == 0 ? 1.7e308 : -1.7e308;
        var e = Assert.Throws<OverflowException>(() => net.Predict(x));
        Assert.Contains("layer 0", e.Message);
        Assert.Throws<OverflowException>(() => net.Evaluate(new[] { x }, new[] { 3 }));
        // Ordinary inputs are untouched by the check.
        var ok = net.Predict(new double[784]);
        Assert.Equal(1.0, ok.Sum(), 1e-12);
    }

    [Fact]
    public void A_loss_that_overflows_is_OverflowException_not_infinity()
    {
        // MSE J = 1/(2N) Σ (ŷ − y)²: with y = 1e200 and ŷ = 1, (1e200)² = 1e400 overflows.
        var net = Scale(1);
        var e = Assert.Throws<OverflowException>(() => net.Evaluate(new[] { new[] { 1.0 } }, new[] { new[] { 1e200 } }, Loss.MeanSquaredError));
        Assert.Contains("loss", e.Message);
        Assert.Throws<OverflowException>(() => net.ComputeLoss(Loss.MeanSquaredError, new[] { new[] { 1.0 } }, new[] { new[] { 1e200 } }));
        Assert.Throws<OverflowException>(() => net.ComputeGradients(Loss.MeanSquaredError, new[] { new[] { 1.0 } }, new[] { new[] { 1e200 } }));
        // At 1e150 the square, 1e300, is finite: J = (1e150 − 1)²/2 = 5e299.
        Assert.Equal(5e299, net.ComputeLoss(Loss.MeanSquaredError, new[] { new[] { 1.0 } }, new[] { new[] { 1e150 } }), 1e285);
    }

    public static TheoryData<string> Optimizers() => ["Sgd", "Momentum", "Nesterov", "AdaGrad", "RmsProp", "Adam"];

    private static Optimizer Make(string name, double rate) => name switch
    {
        "Sgd" => Optimizer.Sgd(rate),
        "Momentum" => Optimizer.Momentum(rate),
        "Nesterov" => Optimizer.Nesterov(rate),
        "AdaGrad" => Optimizer.AdaGrad(rate),
        "RmsProp" => Optimizer.RmsProp(rate),
        _ => Optimizer.Adam(rate),
    };

    private static (double[][] X, double[][] Y) Line()
    {
        // y = 2x + 1 on 32 points of [−1, 1].
        var x = Enumerable.Range(0, 32).Select(i => new[] { -1 + i / 15.5 }).ToArray();
        return (x, x.Select(r => new[] { 2 * r[0] + 1 }).ToArray());
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_learning_rate_of_1e10_is_reported_as_divergence_by_every_optimiser(string optimizer)
    {
        var (x, y) = Line();
        var net = Network.Create(1).Dense(8, Activation.Tanh).Dense(1, Activation.Identity).Build(Initializer.Default(5));
        var trainer = new Trainer(Loss.MeanSquaredError, Make(optimizer, 1e10)) { Epochs = 50, BatchSize = 8, Seed = 2 };
        var result = trainer.Fit(net, x, y);
        Assert.Equal(StopReason.Diverged, result.StopReason);
        Assert.Contains("diverged", result.Message);
        // The weights kept are the last good ones: finite, with a loss below the divergence threshold.
        double kept = result.Network.ComputeLoss(Loss.MeanSquaredError, x, y);
        Assert.True(double.IsFinite(kept) && kept <= 1e6 * Math.Max(1, net.ComputeLoss(Loss.MeanSquaredError, x, y)), $"kept loss {kept}");
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_sensible_learning_rate_completes_without_a_divergence_report(string optimizer)
    {
        var (x, y) = Line();
        var net = Network.Create(1).Dense(8, Activation.Tanh).Dense(1, Activation.Identity).Build(Initializer.Default(5));
        var trainer = new Trainer(Loss.MeanSquaredError, Make(optimizer, 0.01)) { Epochs = 20, BatchSize = 8, Seed = 2 };
        Assert.Equal(StopReason.Completed, trainer.Fit(net, x, y).StopReason);
    }
}
