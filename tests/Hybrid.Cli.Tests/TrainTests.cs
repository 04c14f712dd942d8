namespace Hybrid.Cli.Tests;

/// <summary><c>hybrid train</c> end to end, in-process, on small data (and once with the defaults).</summary>
public class TrainTests
{
    [Fact]
    public void Default_train_reaches_97_percent_test_accuracy_on_the_digits()
    {
        var dir = Cli.TempFolder();
        var r = Cli.Run("train", "--output", dir);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        var report = new ReportFile(Path.Combine(dir, "report.html"));
        double accuracy = report.Result("test accuracy");
        Assert.True(accuracy >= 0.97, $"test accuracy {accuracy:P2}");
        // The 20% stratified test split of 1,797 digits: per class ⌊0.2·n_c + ½⌋ rows, 359 in all.
        Assert.Contains("359", report.Setting("rows (train / validation / test)"));
        Assert.True(File.Exists(Path.Combine(dir, "model.json")));
        Assert.Contains("│ test", r.Output);
    }

    [Fact]
    public void Train_on_iris_writes_the_model_the_report_and_one_plain_line_per_epoch()
    {
        var dir = Cli.TempFolder();
        var r = Cli.Run("train", "--data", "iris", "--layers", "8", "--epochs", "5", "--early-stopping", "none", "--output", dir);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        // Redirected output: plain lines, epochs 1..5, no live-display control codes.
        for (int e = 1; e <= 5; e++) Assert.Contains($"epoch   {e}/5", r.Output);
        Assert.DoesNotContain("\u001b[", r.Output);
        Assert.True(File.Exists(Path.Combine(dir, "model.json")));
        var report = new ReportFile(Path.Combine(dir, "report.html"));
        Assert.Equal(["training loss", "validation loss"], report.Figures["loss"]);
        Assert.Equal(["training accuracy", "validation accuracy"], report.Figures["accuracy"]);
        Assert.Equal(["setosa", "versicolor", "virginica"], report.Figures["confusion"].Select(n => n.Replace("Iris-", "")).ToArray());
        var (epochs, loss) = report.Series("loss", "training loss");
        Assert.Equal([1.0, 2, 3, 4, 5], epochs);
        Assert.All(loss, v => Assert.True(v is > 0 and < 10));
        Assert.Equal(5, report.Result("epochs"));
        Assert.False(report.Figures.ContainsKey("boundary")); // four features: no decision boundary
    }

    [Fact]
    public void Train_on_moons_draws_the_decision_boundary_with_the_points_of_each_class()
    {
        var dir = Cli.TempFolder();
        var r = Cli.Run("train", "--data", "moons", "--layers", "16,16", "--epochs", "40", "--learning-rate", "0.01", "--output", dir);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        var report = new ReportFile(Path.Combine(dir, "report.html"));
        var classes = report.Figures["boundary"];
        Assert.Equal(2, classes.Length);
        // Every one of the 300 points is drawn once, in its class's series.
        int points = classes.Sum(c => report.Series("boundary", c).X.Length);
        Assert.Equal(300, points);
        Assert.True(report.Result("test accuracy") > 0.8, $"{report.Result("test accuracy")}");
    }

    [Fact]
    public void Train_from_a_csv_file_with_a_named_label_column_and_pca()
    {
        var dir = Cli.TempFolder();
        var csv = Path.Combine(dir, "points.csv");
        var lines = new List<string> { "a,b,c,kind" };
        var rng = new Random(3);
        for (int i = 0; i < 60; i++)
        {
            int k = i % 2;
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{k * 3 + rng.NextDouble()},{rng.NextDouble()},{k - rng.NextDouble()},{(k == 0 ? "cat" : "dog")}"));
        }
        File.WriteAllLines(csv, lines);
        var r = Cli.Run("train", "--data", csv, "--label-column", "kind", "--preprocess", "pca:2", "--layers", "4", "--epochs", "30", "--learning-rate", "0.05", "--output", dir);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        var report = new ReportFile(Path.Combine(dir, "report.html"));
        Assert.Equal(["cat", "dog"], report.Figures["confusion"]);
        Assert.StartsWith("2-4-2", report.Setting("network"));
        Assert.True(report.Result("test accuracy") >= 0.9, $"{report.Result("test accuracy")}");
    }

    [Fact]
    public void Cancelling_stops_training_and_keeps_the_best_model_so_far()
    {
        var dir = Cli.TempFolder();
        using var cancel = new CancellationTokenSource();
        // Ctrl+C as soon as epoch 3 has been reported: training stops before the next minibatch.
        var r = Cli.Run(new CancelOn("epoch   3/", cancel), cancel.Token, "train", "--epochs", "100000", "--early-stopping", "none", "--output", dir);
        Assert.True(r.ExitCode == 130, $"exit {r.ExitCode}: {r.Error} {r.Output}");
        Assert.Contains("cancelled", r.Output);
        Assert.True(File.Exists(Path.Combine(dir, "model.json")), r.Output);
        Assert.Contains("Training cancelled after 3 epochs", r.Output);
        // The saved model is the one after epoch 3 (no early stopping: the last completed epoch).
        var report = new ReportFile(Path.Combine(dir, "report.html"));
        Assert.Equal(3, report.Result("epochs"));
        Assert.DoesNotContain("   at ", r.Output + r.Error);
    }
}
