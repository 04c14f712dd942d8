namespace Hybrid.Cli.Tests;

/// <summary>Wrong options, unreadable and malformed files: exit code 2, one line on standard error naming the problem, never a stack trace.</summary>
public class BadInputTests
{
    private static void OneLineError(Cli.Result r, string mustContain)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error} {r.Output}");
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("hybrid: error: ", lines[0]);
        Assert.Contains(mustContain, lines[0]);
        Assert.DoesNotContain("   at ", r.Output + r.Error);
        Assert.DoesNotContain("Exception", r.Output + r.Error);
    }

    [Theory]
    [InlineData("--bogus", "bogus", "train", "--bogus")]
    [InlineData("not a number", "--epochs", "train", "--epochs", "many")]
    [InlineData("not a number", "--learning-rate", "train", "--learning-rate", "fast")]
    [InlineData("activation", "mish", "train", "--activation", "mish")]
    [InlineData("optimiser", "lbfgs", "train", "--optimizer", "lbfgs")]
    [InlineData("initialiser", "magic", "train", "--init", "magic")]
    [InlineData("schedule", "--schedule", "train", "--schedule", "cosine")]
    [InlineData("preprocess", "--preprocess", "train", "--preprocess", "fourier")]
    [InlineData("range", "--test-split", "train", "--test-split", "1.5")]
    [InlineData("layers", "--layers", "train", "--layers", "8,0")]
    [InlineData("batch", "--batch-size", "train", "--batch-size", "0")]
    [InlineData("unknown data set", "nodata", "train", "--data", "nodata")]
    [InlineData("unknown command", "fly", "fly")]
    [InlineData("unknown experiment", "magic", "experiment", "magic")]
    [InlineData("missing argument", "DATA", "evaluate", "model.json")]
    public void A_wrong_option_is_one_line_and_exit_code_2(string what, string mustContain, params string[] args)
    {
        _ = what;
        OneLineError(Cli.Run(args), mustContain);
    }

    [Fact]
    public void A_missing_model_file_is_named()
    {
        OneLineError(Cli.Run("evaluate", "/no/such/model.json", "iris"), "/no/such/model.json");
    }

    [Fact]
    public void A_folder_given_as_model_is_named()
    {
        var dir = Cli.TempFolder();
        OneLineError(Cli.Run("predict", dir, "iris"), dir);
    }

    [Fact]
    public void A_malformed_model_file_is_named()
    {
        var dir = Cli.TempFolder();
        var path = Path.Combine(dir, "model.json");
        File.WriteAllText(path, "{ \"format\": \"not a model\" ");
        var r = Cli.Run("evaluate", path, "iris");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", r.Output + r.Error);
    }

    [Fact]
    public void A_malformed_csv_names_the_file_and_line()
    {
        var dir = Cli.TempFolder();
        var csv = Path.Combine(dir, "bad.csv");
        File.WriteAllLines(csv, ["x,y,label", "1,2,a", "3,oops,b", "5,6,a"]);
        var r = Cli.Run("train", "--data", csv, "--output", dir);
        OneLineError(r, "bad.csv");
        Assert.Contains("3", r.Error); // line 3 holds the bad cell
    }

    [Fact]
    public void An_unreadable_idx_pair_is_named()
    {
        var dir = Cli.TempFolder();
        var images = Path.Combine(dir, "images.idx");
        var labels = Path.Combine(dir, "labels.idx");
        File.WriteAllBytes(images, [0, 0, 8, 3, 0, 0, 0, 1]); // truncated header
        File.WriteAllBytes(labels, [0, 0, 8, 1, 0, 0, 0, 1, 7]);
        OneLineError(Cli.Run("train", "--data", images, "--labels", labels, "--output", dir), "images.idx");
    }

    [Fact]
    public void A_model_with_the_wrong_input_width_for_the_data_is_one_line()
    {
        var dir = Cli.TempFolder();
        var r = Cli.Run("train", "--data", "iris", "--layers", "4", "--epochs", "2", "--output", dir);
        Assert.Equal(0, r.ExitCode);
        var e = Cli.Run("evaluate", Path.Combine(dir, "model.json"), "digits");
        Assert.Equal(2, e.ExitCode);
        Assert.Single(e.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
