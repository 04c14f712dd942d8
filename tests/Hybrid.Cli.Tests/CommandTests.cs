using System.Globalization;

namespace Hybrid.Cli.Tests;

/// <summary>evaluate, predict, gradcheck and the experiments end to end on small data; --help everywhere.</summary>
public class CommandTests
{
    /// <summary>A model trained on iris (standardised) in a fresh folder.</summary>
    private static string TrainIris(string dir)
    {
        var r = Cli.Run("train", "--data", "iris", "--layers", "8", "--epochs", "60", "--learning-rate", "0.02", "--output", dir);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        return Path.Combine(dir, "model.json");
    }

    [Fact]
    public void Evaluate_reports_loss_accuracy_and_the_confusion_matrix_of_a_saved_model()
    {
        var dir = Cli.TempFolder();
        var model = TrainIris(dir);
        var reportPath = Path.Combine(dir, "evaluate.html");
        var r = Cli.Run("evaluate", model, "iris", "--report", reportPath);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("iris: 150 rows", r.Output);
        var accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(r.Output, @"accuracy (\d+\.\d+) %").Groups[1].Value, CultureInfo.InvariantCulture) / 100;
        Assert.True(accuracy > 0.85, $"{accuracy}");
        var report = new ReportFile(reportPath);
        // The confusion matrix's rows (one series per true class) add up to the 150 rows.
        var total = report.Figures["confusion"].Sum(c => report.Series("confusion", c).Y.Sum(v => v ?? 0));
        Assert.Equal(150, total);
    }

    [Fact]
    public void Predict_writes_one_csv_line_per_row_with_class_name_and_probabilities()
    {
        var dir = Cli.TempFolder();
        var model = TrainIris(dir);
        var r = Cli.Run("predict", model, "iris");
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(151, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal(["row", "class", "class_name"], header[..3]);
        Assert.Equal(3 + 3, header.Length);
        foreach (var line in lines[1..])
        {
            var cells = line.Split(',');
            var p = cells[3..].Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 9); // softmax rows sum to 1
            int k = int.Parse(cells[1], CultureInfo.InvariantCulture);
            Assert.Equal(p.Max(), p[k]);   // the class is the most probable one
            Assert.Equal(header[3 + k], "p_" + cells[2]);
        }
    }

    [Fact]
    public void Predict_writes_to_a_file_when_asked()
    {
        var dir = Cli.TempFolder();
        var model = TrainIris(dir);
        var output = Path.Combine(dir, "predictions.csv");
        var r = Cli.Run("predict", model, "iris", "--output", output);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Equal(151, File.ReadAllLines(output).Length);
    }

    [Fact]
    public void Gradcheck_passes_on_a_small_network_and_exits_1_above_its_threshold()
    {
        var ok = Cli.Run("gradcheck", "--data", "iris", "--layers", "5", "--activation", "tanh", "--rows", "6");
        Assert.True(ok.ExitCode == 0, ok.Error + ok.Output);
        Assert.Contains("layer 0 W", ok.Output);
        Assert.Contains("layer 1 b", ok.Output);
        Assert.Contains("PASS", ok.Output);
        // A threshold no floating-point check can meet: the same run fails with exit code 1.
        var strict = Cli.Run("gradcheck", "--data", "iris", "--layers", "5", "--activation", "tanh", "--rows", "6", "--threshold", "1e-300");
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("FAIL", strict.Output);
    }

    [Theory]
    [InlineData("init-stats", "--examples", "100", "--width", "50", "--depth", "3", "--seeds", "1")]
    [InlineData("perceptron")]
    [InlineData("xor")]
    [InlineData("random-search", "--budget", "150")]
    [InlineData("two-layer", "--steps", "200")]
    [InlineData("learning-rate", "--epochs", "2")]
    public void Every_experiment_prints_its_table_and_writes_its_report(string name, params string[] options)
    {
        var dir = Cli.TempFolder();
        var r = Cli.Run(["experiment", name, .. options, "--output", dir]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("┌", r.Output); // a table
        var report = new ReportFile(Path.Combine(dir, "report.html"));
        Assert.NotEmpty(report.Figures);
    }

    [Fact]
    public void Init_stats_puts_the_slides_figures_beside_the_measured_std_and_one_histogram_per_pair()
    {
        var dir = Cli.TempFolder();
        var r = Cli.Run("experiment", "init-stats", "--examples", "200", "--width", "100", "--depth", "3", "--seeds", "1", "--activations", "tanh", "--inits", "small,xavier", "--output", dir);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("0.21", r.Output);  // slides: tanh + 0.01 randn, layer 1
        Assert.Contains("0.63", r.Output);  // slides: tanh + Xavier, layer 1
        var report = new ReportFile(Path.Combine(dir, "report.html"));
        Assert.Equal(["layer 1", "layer 2", "layer 3"], report.Figures["hist-tanh-small"]);
        Assert.Equal(["tanh + small", "tanh + xavier"], report.Figures["std"]);
        // Each layer's histogram holds all 200·100 activations.
        Assert.Equal(20000, report.Series("hist-tanh-xavier", "layer 2").Y.Sum(v => v ?? 0));
    }

    [Fact]
    public void Two_layer_prints_the_loss_every_100_steps_and_it_falls()
    {
        var dir = Cli.TempFolder();
        var r = Cli.Run("experiment", "two-layer", "--steps", "300", "--output", dir);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        var losses = new ReportFile(Path.Combine(dir, "report.html")).Series("loss", "training loss").Y;
        Assert.Equal(300, losses.Length);
        Assert.True(losses[299] < 0.1 * losses[0], $"{losses[0]} -> {losses[299]}");
        foreach (var step in new[] { "100", "200", "300" }) Assert.Matches($@"│ {step}\s+│", r.Output);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("train", "--help")]
    [InlineData("evaluate", "--help")]
    [InlineData("predict", "--help")]
    [InlineData("gradcheck", "--help")]
    [InlineData("experiment", "--help")]
    [InlineData("experiment", "init-stats", "--help")]
    [InlineData("experiment", "perceptron", "--help")]
    [InlineData("experiment", "xor", "--help")]
    [InlineData("experiment", "random-search", "--help")]
    [InlineData("experiment", "two-layer", "--help")]
    [InlineData("experiment", "learning-rate", "--help")]
    public void Help_is_there_for_every_command(params string[] args)
    {
        var r = Cli.Run(args);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("USAGE", r.Output);
        Assert.Equal("", r.Error);
    }
}

/// <summary>hybrid export and hybrid import (docs/onnx.md).</summary>
public class OnnxCommandTests
{
    [Fact]
    public void Export_then_import_gives_back_the_same_model()
    {
        var dir = Cli.TempFolder();
        var model = Path.Combine(dir, "model.json");
        var network = Network.Create(3).Dense(4, Activation.ELU(0.5)).Dense(2, Activation.Softmax).Build(Initializer.He(3));
        network.Save(model);
        var onnx = Path.Combine(dir, "model.onnx");
        var r = Cli.Run("export", model, onnx);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("float64", r.Output);
        Assert.Equal(network.ToOnnx(), File.ReadAllBytes(onnx));
        var back = Path.Combine(dir, "back.json");
        r = Cli.Run("import", onnx, back);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Equal(File.ReadAllText(model), File.ReadAllText(back));
        r = Cli.Run("export", model, onnx, "--float32");
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Equal(network.ToOnnx(OnnxPrecision.Single), File.ReadAllBytes(onnx));
    }

    /// <summary>The model's preprocessing goes out in front of the network and comes back in: the imported model file equals the original (which has no class names: ONNX does not carry them).</summary>
    [Theory]
    [InlineData("standardize")]
    [InlineData("pca")]
    [InlineData("whiten")]
    public void Export_then_import_keeps_the_preprocessing(string kind)
    {
        var dir = Cli.TempFolder();
        var rng = new Random(4);
        var x = Enumerable.Range(0, 30).Select(i => new[] { rng.NextDouble() * 10, rng.NextDouble() - 3, rng.NextDouble() * rng.NextDouble() }).ToArray();
        var pre = kind switch
        {
            "standardize" => Hybrid.Data.Preprocessor.FitStandardize(x),
            "pca" => Hybrid.Data.Preprocessor.FitPca(x, 2),
            _ => Hybrid.Data.Preprocessor.FitWhitening(x, 2),
        };
        var original = new Model(Network.Create(pre.OutputCount).Dense(2, Activation.LogSoftmax).Build(Initializer.He(3)), pre);
        var path = Path.Combine(dir, "model.json");
        original.Save(path);
        var onnx = Path.Combine(dir, "model.onnx");
        var r = Cli.Run("export", path, onnx);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("[N, 3]", r.Output);
        var back = Path.Combine(dir, "back.json");
        r = Cli.Run("import", onnx, back);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Equal(File.ReadAllText(path), File.ReadAllText(back));
        Assert.Equal(pre.Kind, Model.Load(back).Preprocessor.Kind);
    }

    [Fact]
    public void A_bad_ONNX_file_is_one_line_naming_the_file_and_exit_code_2()
    {
        var dir = Cli.TempFolder();
        var bad = Path.Combine(dir, "bad.onnx");
        File.WriteAllBytes(bad, [1, 2, 3, 4, 5]);
        var r = Cli.Run("import", bad, Path.Combine(dir, "out.json"));
        Assert.Equal(Program.UsageError, r.ExitCode);
        Assert.Contains("bad.onnx", r.Error);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Path.Combine(dir, "out.json")));
        r = Cli.Run("import", Path.Combine(dir, "missing.onnx"), Path.Combine(dir, "out.json"));
        Assert.Equal(Program.UsageError, r.ExitCode);
    }
}
