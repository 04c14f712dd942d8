using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>The course presets show what their lessons say (the run is deterministic per epoch, so these are exact runs, not timing-dependent).</summary>
public class PlaygroundPresetTests
{
    private static Experiment Run(string id, int epochs, List<double>? losses = null)
    {
        var run = new Experiment(Presets.All.Single(p => p.Id == id).Settings);
        losses?.Add(run.Evaluate(run.Network).Train.Loss);
        for (int e = 0; e < epochs; e++)
        {
            run.Step(CancellationToken.None);
            losses?.Add(run.Evaluate(run.Network).Train.Loss);
        }
        return run;
    }

    [Fact]
    public void S01_one_linear_layer_learns_AND_but_not_XOR()
    {
        var and = Run("s01-and", 200);
        Assert.Equal(1.0, and.Evaluate(and.Network).Train.Accuracy);
        var xor = Run("s01-xor", 100);
        var e = xor.Evaluate(xor.Network).Train;
        // No line separates XOR: the best a linear softmax can do by gradient descent from near 0 is ½ everywhere, loss ln 2.
        Assert.InRange(e.Loss, Math.Log(2) - 1e-3, Math.Log(2) + 1e-3);
        Assert.True(e.Accuracy <= 0.75);
        var mlp = Run("s01-xor-mlp", 300);
        Assert.Equal(1.0, mlp.Evaluate(mlp.Network).Train.Accuracy);
    }

    [Fact]
    public void S31_small_init_collapses_large_saturates_xavier_keeps_the_spread()
    {
        double[] Stds(string id) { var run = Run(id, 0); return [.. FrameBuilder.Layers(run, run.Network).SkipLast(1).Select(l => l.StandardDeviation)]; }
        var small = Stds("s31-small");
        Assert.True(small[2] < 1e-3 && small[5] < 1e-6, $"small init: {string.Join(", ", small)}");
        Assert.All(Stds("s31-large"), s => Assert.True(s > 0.7, $"large init should saturate tanh: std {s}"));
        Assert.All(Stds("s31-xavier"), s => Assert.InRange(s, 0.2, 0.8));
    }

    [Fact]
    public void S27_learning_rates_too_small_good_and_too_large()
    {
        List<double> small = [], good = [], large = [];
        Run("s27-small", 30, small);
        Run("s27-good", 30, good);
        Run("s27-large", 30, large);
        Assert.True(good[^1] < 0.5 * small[^1], $"good {good[^1]} vs small {small[^1]}");
        Assert.True(small[^1] < small[0], "too small still goes down");
        Assert.True(large.Max() > 5 * large[0], $"too large: the loss jumps (max {large.Max()}, start {large[0]})");
    }
}
