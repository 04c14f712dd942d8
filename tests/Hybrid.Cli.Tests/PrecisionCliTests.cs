using System.Globalization;

namespace Hybrid.Cli.Tests;

/// <summary><c>hybrid train --precision</c>: float32 training from the command line (docs/cli.md).</summary>
public class PrecisionCliTests
{
    private static string Csv(string dir)
    {
        var rng = new Random(4);
        var lines = new List<string> { "a,b,kind" };
        for (int i = 0; i < 90; i++)
        {
            int k = i % 3;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{2 * k + rng.NextDouble():R},{k + rng.NextDouble():R},c{k}"));
        }
        var path = Path.Combine(dir, "three.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Train_with_precision_single_saves_float32_weights_and_double_does_not()
    {
        foreach (var (precision, float32) in new[] { ("single", true), ("double", false) })
        {
            var dir = Cli.TempFolder();
            var r = Cli.Run(["train", "--data", Csv(dir), "--layers", "8", "--epochs", "20", "--learning-rate", "0.05", "--precision", precision, "--output", dir]);
            Assert.True(r.ExitCode == 0, r.Error + r.Output);
            var weights = Network.Load(Path.Combine(dir, "model.json")).GetParameters().SelectMany(p => p.Values.Cast<double>()).ToArray();
            // A float32 run's weights are float32 values widened exactly; a float64 run's are (almost all) not.
            Assert.Equal(float32, weights.All(w => w == (double)(float)w));
            Assert.Contains($"<td>{precision}</td>", File.ReadAllText(Directory.GetFiles(dir, "*.html").Single()));
        }
    }

    [Fact]
    public void An_unknown_precision_is_a_usage_error_that_lists_the_choices()
    {
        var r = Cli.Run("train", "--data", Csv(Cli.TempFolder()), "--precision", "half");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--precision: 'half' is not one of double, single.", r.Error + r.Output);
    }
}
