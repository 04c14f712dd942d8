namespace Hybrid.Tests;

/// <summary>
/// Huber loss (S19, S20), added through the loss registry alone: its values and derivative against
/// numbers worked by hand, its parameter check, and training with it on both paths.
/// </summary>
public class HuberLossTests
{
    // ŷ = [0.5, 3.0; −2.0, 0.25], y = 0, δ = 1, N = 2 rows. By hand: h(0.5) = 0.125, h(3) = 1·(3 − 0.5) = 2.5,
    // h(−2) = 1·(2 − 0.5) = 1.5, h(0.25) = 0.03125; J = (0.125 + 2.5 + 1.5 + 0.03125)/2 = 2.078125.
    // ∂J/∂ŷ = clamp(ŷ, −1, 1)/2 = [0.25, 0.5; −0.5, 0.125].
    private static readonly double[,] Predictions = { { 0.5, 3.0 }, { -2.0, 0.25 } };
    private static readonly double[,] Zeros = new double[2, 2];

    [Fact]
    public void Huber_value_and_derivative_equal_the_hand_worked_numbers()
    {
        Assert.Equal(2.078125, Loss.Huber().Value(Predictions, Zeros), 15);
        Assert.Equal(new double[,] { { 0.25, 0.5 }, { -0.5, 0.125 } }, Loss.Huber().Derivative(Predictions, Zeros));
        // δ = 2: h(3) = 2·(3 − 1) = 4, h(−2) = 2 (inside), the rest as before: J = (0.125 + 4 + 2 + 0.03125)/2.
        Assert.Equal(3.078125, Loss.Huber(2.0).Value(Predictions, Zeros), 15);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Huber_refuses_a_delta_that_is_not_a_finite_positive_number(double delta)
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.Huber(delta));
        Assert.Equal("delta", e.ParamName);
    }

    [Fact]
    public void Huber_is_listed_with_its_names_and_trains_on_both_paths_to_the_same_network()
    {
        var huber = Loss.All.Single(l => l.CliName == "huber");
        Assert.Equal(Loss.Huber(), huber);
        Assert.Equal("Huber", huber.DisplayName);
        // y = 2x + 1 with one outlier: the fast path and the reference path train to the same weights.
        double[][] x = [.. Enumerable.Range(0, 20).Select(i => new[] { i / 10.0 })];
        double[][] y = [.. x.Select((r, i) => new[] { i == 7 ? 40.0 : 2 * r[0] + 1 })];
        var network = Network.Create(inputs: 1).Dense(1, Activation.Identity).Build(Initializer.Default(seed: 3));
        var fast = new Trainer(Loss.Huber(), Optimizer.Sgd(0.1)) { BatchSize = 5, Epochs = 50, Seed = 1 }.Fit(network, x, y);
        var reference = new Trainer(Loss.Huber(), Optimizer.Sgd(0.1)) { BatchSize = 5, Epochs = 50, Seed = 1, UseReferencePath = true }.Fit(network, x, y);
        double[] p = fast.Network.Predict([1.0]);
        Assert.Equal(p[0], reference.Network.Predict([1.0])[0], 12);
        Assert.True(fast.History[^1].TrainingLoss < fast.History[0].TrainingLoss);
        // The outlier pulls a linear fit by at most δ per step: the prediction at x = 1 stays near 3.
        Assert.InRange(p[0], 2.0, 5.0);
    }
}
