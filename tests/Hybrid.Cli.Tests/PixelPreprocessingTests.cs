using System.Globalization;
using Hybrid.Data;

namespace Hybrid.Cli.Tests;

/// <summary>The default preprocessing (auto) on image-like data: scaled to [0, 1], not standardised, and the warning when standardising near-constant columns.</summary>
public class PixelPreprocessingTests
{
    /// <summary>
    /// 8×8 "images" with values 0..255 (seed 7): the border is 0 except a rare bright speck (each border pixel of each row lit
    /// with probability 1/600), the 6×6 interior holds a noisy horizontal (class h) or vertical (class v) bar. The border
    /// columns are near-constant: standardising turns a speck into a value of about 20 standard deviations, and a border pixel never lit in the training rows keeps std 1, so a test speck stays 255.
    /// </summary>
    private static string WriteImages(string dir)
    {
        var rng = new Random(7);
        var lines = new List<string> { string.Join(",", Enumerable.Range(0, 64).Select(i => $"p{i}")) + ",shape" };
        for (int n = 0; n < 600; n++)
        {
            bool horizontal = n % 2 == 0;
            int line = 2 + rng.Next(4);
            var pixels = new int[64];
            for (int r = 0; r < 8; r++)
            for (int c = 0; c < 8; c++)
            {
                bool border = r == 0 || c == 0 || r == 7 || c == 7;
                pixels[r * 8 + c] = border
                    ? (rng.Next(600) == 0 ? 255 : 0)
                    : Math.Clamp(((horizontal ? r : c) == line ? 200 : 30) + rng.Next(-30, 31), 0, 255);
            }
            lines.Add(string.Join(",", pixels.Select(p => p.ToString(CultureInfo.InvariantCulture))) + (horizontal ? ",h" : ",v"));
        }
        var csv = Path.Combine(dir, "bars.csv");
        File.WriteAllLines(csv, lines);
        return csv;
    }

    private static readonly string[] Common = ["--label-column", "shape", "--layers", "16", "--epochs", "15", "--plain"];

    [Fact]
    public void The_default_scales_pixel_data_to_0_1_and_standardising_it_warns_about_near_constant_columns()
    {
        var dir = Cli.TempFolder();
        var csv = WriteImages(dir);

        var auto = Cli.Run(["train", "--data", csv, .. Common, "--output", Path.Combine(dir, "auto")]);
        Assert.True(auto.ExitCode == 0, auto.Error + auto.Output);
        Assert.Contains("preprocessing scale to [0, 1] (÷ 255, 64 features)", auto.Output);
        Assert.DoesNotContain("warning", auto.Error);
        var model = Model.Load(Path.Combine(dir, "auto", "model.json"));
        Assert.Equal(PreprocessingKind.Standardize, model.Preprocessor.Kind);
        Assert.All(model.Preprocessor.Mean, m => Assert.Equal(0.0, m));
        Assert.All(model.Preprocessor.StandardDeviation, s => Assert.Equal(255.0, s));

        var standardized = Cli.Run(["train", "--data", csv, .. Common, "--preprocess", "standardize", "--output", Path.Combine(dir, "standardize")]);
        Assert.True(standardized.ExitCode == 0, standardized.Error + standardized.Output);
        Assert.Contains("preprocessing standardize (64 features)", standardized.Output);
        var warning = Assert.Single(standardized.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^hybrid: warning: standardising \d+ near-constant column\(s\) of 64 .*--preprocess none, or the default \(auto\)", warning);

        double autoLoss = new ReportFile(Path.Combine(dir, "auto", "report.html")).Result("test loss");
        double standardizedLoss = new ReportFile(Path.Combine(dir, "standardize", "report.html")).Result("test loss");
        // Measured (generator seed 7, --seed 42): auto 0.0342, standardize 0.0721, a ratio of 0.47. Requiring 0.75 leaves room
        // for a different floating-point summation order elsewhere while still asking for a clear gap, not a tie.
        Assert.True(autoLoss < 0.75 * standardizedLoss, $"test loss: auto {autoLoss:F4}, standardize {standardizedLoss:F4}");
    }
}
