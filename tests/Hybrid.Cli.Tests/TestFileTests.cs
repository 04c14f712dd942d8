using System.Globalization;
using System.Text.RegularExpressions;
using Hybrid.Data;

namespace Hybrid.Cli.Tests;

/// <summary><c>hybrid train --test-file</c>: a test set in its own file (CSV or IDX) instead of a share of --data.</summary>
public class TestFileTests
{
    private static readonly string[] Kinds = ["cat", "dog", "eel"];

    /// <summary>A CSV of two features and a string class: class k lies around (2k + offset, k − offset), every class present.</summary>
    private static string Csv(string dir, string name, int rows, int seed, double offset = 0, string[]? kinds = null)
    {
        kinds ??= Kinds;
        var rng = new Random(seed);
        var lines = new List<string> { "a,b,kind" };
        for (int i = 0; i < rows; i++)
        {
            int k = i % kinds.Length;
            int c = Array.IndexOf(Kinds, kinds[k]);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{2 * c + offset + rng.NextDouble():R},{c - offset + rng.NextDouble():R},{kinds[k]}"));
        }
        var path = Path.Combine(dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static Cli.Result Train(string dir, params string[] args)
    {
        var r = Cli.Run(["train", .. args, "--layers", "4", "--epochs", "15", "--learning-rate", "0.05", "--early-stopping", "none", "--output", dir]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        return r;
    }

    /// <summary>The rows, loss and accuracy of one row of the summary table, as printed.</summary>
    private static (string Rows, string Loss, string Accuracy) SummaryRow(string output, string set)
    {
        var m = Regex.Match(output, $@"│ {set}\s+│ (\d+)\s+│ ([0-9.]+)\s+│ ([0-9.]+ %)\s+│");
        Assert.True(m.Success, $"no '{set}' row in:\n{output}");
        return (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
    }

    [Fact]
    public void Every_training_row_trains_and_the_test_numbers_are_those_of_evaluate_on_the_test_file()
    {
        var dir = Cli.TempFolder();
        var train = Csv(dir, "train.csv", 60, 1);
        var test = Csv(dir, "test.csv", 21, 2);
        var r = Train(dir, "--data", train, "--test-file", test, "--validation-split", "0");
        Assert.Contains("train 60, validation 0 (stratified); test set: test.csv (21 rows)", r.Output);
        Assert.Contains("test set: test.csv (21 rows)\n", r.Output.Replace("\r", ""));
        Assert.Equal("60", SummaryRow(r.Output, "training").Rows);
        var (rows, loss, accuracy) = SummaryRow(r.Output, "test");
        Assert.Equal("21", rows);

        // hybrid evaluate on the saved model and the test file prints the same numbers.
        var model = Path.Combine(dir, "model.json");
        var e = Cli.Run("evaluate", model, test);
        Assert.True(e.ExitCode == 0, e.Error + e.Output);
        Assert.Contains($"test.csv: 21 rows, loss {loss}, accuracy {accuracy}", e.Output);

        // The library's evaluation of the saved model gives the report's numbers bit for bit.
        var report = new ReportFile(Path.Combine(dir, "report.html"));
        var expected = Model.Load(model).Evaluate(DataSet.FromCsv(test));
        Assert.Equal(expected.Loss, report.Result("test loss"));
        Assert.Equal(expected.Accuracy, report.Result("test accuracy"));
        Assert.Equal("test.csv (21 rows)", report.Setting("test set"));
        Assert.Equal("60 / 0 / 21", report.Setting("rows (train / validation / test)"));
    }

    [Fact]
    public void The_validation_split_still_applies_to_the_training_rows()
    {
        var dir = Cli.TempFolder();
        var r = Train(dir, "--data", Csv(dir, "train.csv", 60, 1), "--test-file", Csv(dir, "test.csv", 21, 2), "--validation-split", "0.1");
        // 10% of each class of 20 rows: 2 per class to validation, every other row trains; nothing goes to a test split.
        Assert.Contains("train 54, validation 6 (stratified); test set: test.csv (21 rows)", r.Output);
        Assert.Equal("21", SummaryRow(r.Output, "test").Rows);
    }

    [Fact]
    public void A_test_file_with_fewer_classes_is_numbered_by_the_training_class_names()
    {
        var dir = Cli.TempFolder();
        // The loader numbers string labels in sorted order of those present: alone, "dog" and "eel" would be 0 and 1.
        var test = Csv(dir, "test.csv", 20, 2, kinds: ["dog", "eel"]);
        Train(dir, "--data", Csv(dir, "train.csv", 60, 1), "--test-file", test, "--validation-split", "0");
        var model = Model.Load(Path.Combine(dir, "model.json"));
        Assert.Equal(Kinds, model.ClassNames);
        var raw = DataSet.FromCsv(test);
        var labels = raw.GetLabels().Select(l => Array.IndexOf(Kinds, raw.ClassNames![l])).ToArray();
        Assert.Equal(new[] { 1, 2 }, labels.Distinct().Order());
        var expected = model.Evaluate(raw.GetFeatures(), labels);
        var report = new ReportFile(Path.Combine(dir, "report.html"));
        Assert.Equal(expected.Loss, report.Result("test loss"));
        Assert.Equal(expected.Accuracy, report.Result("test accuracy"));
    }

    [Fact]
    public void The_preprocessing_is_fitted_on_the_training_rows_alone()
    {
        var dir = Cli.TempFolder();
        var train = Csv(dir, "train.csv", 30, 1);
        var test = Csv(dir, "test.csv", 12, 2, offset: 50); // far from the training rows: fitting on both would move the means and widen the deviations
        Train(dir, "--data", train, "--test-file", test, "--validation-split", "0", "--preprocess", "standardize");
        var saved = Model.Load(Path.Combine(dir, "model.json")).Preprocessor;
        var trainRows = DataSet.FromCsv(train).GetFeatures();
        var alone = Preprocessor.FitStandardize(trainRows);
        var both = Preprocessor.FitStandardize(trainRows.Concat(DataSet.FromCsv(test).GetFeatures()).ToArray());
        Assert.Equal(PreprocessingKind.Standardize, saved.Kind);
        Assert.Equal(alone.Mean, saved.Mean);
        Assert.Equal(alone.StandardDeviation, saved.StandardDeviation);
        Assert.NotEqual(both.Mean, saved.Mean);
    }

    /// <summary>An IDX pair of <paramref name="count"/> 2×2 images: class k (alternating 0, 1) lights pixel k brightly.</summary>
    private static (string Images, string Labels) Idx(string dir, string name, int count, int seed)
    {
        var rng = new Random(seed);
        var images = new List<byte> { 0, 0, 8, 3, 0, 0, 0, (byte)count, 0, 0, 0, 2, 0, 0, 0, 2 };
        var labels = new List<byte> { 0, 0, 8, 1, 0, 0, 0, (byte)count };
        for (int i = 0; i < count; i++)
        {
            int k = i % 2;
            for (int p = 0; p < 4; p++) images.Add((byte)(p == k ? 200 + rng.Next(50) : rng.Next(60)));
            labels.Add((byte)k);
        }
        var (imagesPath, labelsPath) = (Path.Combine(dir, name + "-images.idx"), Path.Combine(dir, name + "-labels.idx"));
        File.WriteAllBytes(imagesPath, images.ToArray());
        File.WriteAllBytes(labelsPath, labels.ToArray());
        return (imagesPath, labelsPath);
    }

    [Fact]
    public void An_idx_test_file_takes_its_labels_from_test_labels()
    {
        var dir = Cli.TempFolder();
        var (images, labels) = Idx(dir, "train", 40, 1);
        var (testImages, testLabels) = Idx(dir, "test", 10, 2);
        var r = Train(dir, "--data", images, "--labels", labels, "--test-file", testImages, "--test-labels", testLabels, "--validation-split", "0");
        Assert.Contains("train 40, validation 0 (stratified); test set: test-images.idx (10 rows)", r.Output);
        var (rows, loss, accuracy) = SummaryRow(r.Output, "test");
        Assert.Equal("10", rows);
        var e = Cli.Run("evaluate", Path.Combine(dir, "model.json"), testImages, "--labels", testLabels);
        Assert.True(e.ExitCode == 0, e.Error + e.Output);
        Assert.Contains($"test-images.idx: 10 rows, loss {loss}, accuracy {accuracy}", e.Output);
    }

    [Fact]
    public void Train_help_describes_the_test_file_options()
    {
        var r = Cli.Run("train", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--test-file <PATH>", r.Output);
        Assert.Contains("--test-labels <PATH>", r.Output);
        Assert.Contains("not combinable with --test-file", r.Output);
        Assert.Contains("hybrid train --data train.csv --test-file test.csv", r.Output);
    }

    private static void OneLineError(Cli.Result r, params string[] mustContain)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error} {r.Output}");
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("hybrid: error: ", lines[0]);
        foreach (var s in mustContain) Assert.Contains(s, lines[0]);
        Assert.DoesNotContain("   at ", r.Output + r.Error);
    }

    [Fact]
    public void Contradictions_and_bad_test_files_are_one_line_and_exit_code_2()
    {
        var dir = Cli.TempFolder();
        var train = Csv(dir, "train.csv", 30, 1);
        var test = Csv(dir, "test.csv", 9, 2);
        Cli.Result Run(params string[] args) => Cli.Run(["train", "--data", train, .. args, "--epochs", "1", "--output", Path.Combine(dir, "run")]);

        OneLineError(Run("--test-file", Path.Combine(dir, "none.csv")), "--test-file", "'" + Path.Combine(dir, "none.csv") + "'", "does not exist");
        OneLineError(Run("--test-file", dir), "--test-file", $"'{dir}'", "folder");
        var wide = Path.Combine(dir, "wide.csv");
        File.WriteAllLines(wide, ["a,b,c,kind", "1,2,3,cat", "4,5,6,dog"]);
        OneLineError(Run("--test-file", wide), "--test-file", $"'{wide}'", "3 feature columns", "has 2");
        var unknown = Path.Combine(dir, "unknown.csv");
        File.WriteAllLines(unknown, ["a,b,kind", "1,2,cat", "3,4,fox", "5,6,dog"]);
        OneLineError(Run("--test-file", unknown), $"'{unknown}'", "class label 'fox'");
        var malformed = Path.Combine(dir, "malformed.csv");
        File.WriteAllLines(malformed, ["a,b,kind", "1,2,cat", "3,oops,dog"]);
        OneLineError(Run("--test-file", malformed), "malformed.csv", "3");
        OneLineError(Run("--test-file", test, "--test-split", "0.3"), "--test-split", "--test-file");
        OneLineError(Run("--test-split", "0", "--test-file", test), "--test-split", "--test-file");
        OneLineError(Run("--test-labels", test), "--test-labels", "--test-file");
        var (images, _) = Idx(dir, "idx", 4, 1);
        OneLineError(Run("--test-file", images), "IDX", "--test-labels");
        OneLineError(Run("--test-file", images, "--test-labels", Path.Combine(dir, "none.idx")), "--test-labels", "none.idx");
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }
}
