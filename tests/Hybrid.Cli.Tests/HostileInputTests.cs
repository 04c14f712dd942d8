using System.Diagnostics;

namespace Hybrid.Cli.Tests;

/// <summary>
/// Hostile or absurd inputs through the commands: each is exit code 2 with one bounded line on
/// standard error, never exit code 3 ("a bug"), a hang, or the input echoed back whole.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string _dir = Cli.TempFolder();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private static void OneBoundedLine(Cli.Result r, string mustContain, int max = 600)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error[..Math.Min(400, r.Error.Length)]}");
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("hybrid: error: ", lines[0]);
        Assert.True(lines[0].Length <= max, $"{lines[0].Length} characters: {lines[0][..Math.Min(200, lines[0].Length)]}");
        Assert.Contains(mustContain, lines[0]);
        Assert.DoesNotContain('\r', r.Error);
        Assert.DoesNotContain("unexpected", r.Error);
    }

    [Fact]
    public void A_5_MB_cell_is_not_echoed_whole()
    {
        var csv = P("huge-cell.csv");
        File.WriteAllText(csv, $"a,b,label\n1,2,x\n3,{new string('z', 5_000_000)},y\n");
        // Longer than a row may be (CsvOptions.MaxLineLength): refused by that bound, quoting its start.
        OneBoundedLine(Cli.Run("train", "--data", csv, "--output", _dir), "\"3,zzzz");
    }

    [Fact]
    public void A_line_break_in_a_cell_cannot_forge_a_log_line()
    {
        var csv = P("forged.csv");
        File.WriteAllText(csv, "a,b,label\n1,2,x\n3,\"4\r\n[INFO] model verified OK\",y\n");
        OneBoundedLine(Cli.Run("train", "--data", csv, "--output", _dir), @"4\r\n[INFO] model verified OK");
    }

    [Fact]
    public void A_single_line_longer_than_the_bound_is_refused_naming_the_limit()
    {
        var csv = P("one-line.csv");
        // Just over the default bound (1 MiB characters): one row of ones, no line break.
        File.WriteAllText(csv, string.Join(",", Enumerable.Repeat("1", 600_000)));
        OneBoundedLine(Cli.Run("train", "--data", csv, "--output", _dir), "longer than 1048576 characters");
    }

    [Fact]
    public void A_device_given_as_data_is_refused()
    {
        if (OperatingSystem.IsWindows()) return;
        OneBoundedLine(Cli.Run("train", "--data", "/dev/zero", "--output", _dir), "not a regular file");
        var model = TrainedModel("standardize");
        OneBoundedLine(Cli.Run("evaluate", model, "/dev/zero"), "not a regular file");
        OneBoundedLine(Cli.Run("predict", model, "/dev/zero"), "not a regular file");
    }

    [Fact]
    public async Task A_named_pipe_given_as_data_is_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows()) return;
        var fifo = P("pipe.csv");
        using (var p = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!) await p.WaitForExitAsync();
        var model = TrainedModel("standardize");
        foreach (var args in new[] { new[] { "train", "--data", fifo, "--output", _dir }, ["evaluate", model, fifo], ["predict", model, fifo] })
        {
            var run = Task.Run(() => Cli.Run(args));
            // A failure guard only: the refusal comes before the pipe is opened.
            bool finished = await Tests.Cli.CompletesWithin(run, TimeSpan.FromSeconds(30));
            if (!finished)
            {
                using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { }   // unblock the stuck reader
                await Tests.Cli.CompletesWithin(run, TimeSpan.FromSeconds(30));
            }
            Assert.True(finished, $"hybrid {args[0]} blocked on a named pipe");
            OneBoundedLine(await run, "not a regular file");
        }
    }

    private string TrainedModel(string preprocess)
    {
        var output = P("run-" + preprocess);
        var r = Cli.Run("train", "--data", "iris", "--layers", "4", "--epochs", "1", "--preprocess", preprocess, "--output", output, "--plain");
        Assert.True(r.ExitCode == 0, r.Error);
        return Path.Combine(output, "model.json");
    }

    [Fact]
    public void Predicting_rows_of_1e308_is_an_input_problem()
    {
        var model = TrainedModel("none");
        var csv = P("huge-values.csv");
        File.WriteAllText(csv, "1e308,-1e308,1e308,-1e308\n-1e308,1e308,-1e308,1e308\n");
        OneBoundedLine(Cli.Run("predict", model, csv), "overflow");
    }

    [Fact]
    public void A_learning_rate_of_1e308_is_an_input_problem()
    {
        OneBoundedLine(Cli.Run("train", "--data", "iris", "--layers", "4", "--epochs", "3", "--learning-rate", "1e308", "--output", _dir, "--plain"), "--learning-rate");
    }

    [Fact]
    public async Task A_network_too_large_for_the_heap_is_an_input_problem()
    {
        // 2 × 30000² weights (14 GB) under a heap limited to 512 MiB.
        var r = await CliProcess.RunAsync(["train", "--data", "iris", "--layers", "30000,30000", "--epochs", "1", "--output", _dir, "--plain"],
                                          new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x20000000" });
        OneBoundedLine(r, "--layers");
    }
}
