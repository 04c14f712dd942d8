using System.Reflection;
using Spectre.Console;

namespace Hybrid.Cli.Tests;

/// <summary>What a new user meets first: output redirected to a file, colours off, --version, error wording, an IDX file without its labels.</summary>
public sealed class UsabilityTests : IDisposable
{
    private readonly string _dir = Cli.TempFolder();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs in-process on a console that would draw colours (ANSI, true colour), with the given environment.</summary>
    private static Cli.Result RunOnColourTerminal(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        int code = Program.Run(args, console, error, CancellationToken.None, name => environment.GetValueOrDefault(name));
        return new Cli.Result(code, output.ToString(), error.ToString());
    }

    private static readonly string[] GradCheck = ["gradcheck", "--data", "iris", "--layers", "4"];

    [Fact]
    public void A_colour_terminal_gets_colours_by_default()
    {
        // The guard of the two tests below: without --colours 0 or NO_COLOR this console shows colour codes.
        var r = RunOnColourTerminal(new Dictionary<string, string>(), GradCheck);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains('\u001b', r.Output);
    }

    [Theory]
    [InlineData("--colours", "0")]
    [InlineData("--colors", "0")]
    [InlineData("--colours", "never")]
    public void Colours_0_draws_no_colour_codes(string option, string value)
    {
        var r = RunOnColourTerminal(new Dictionary<string, string>(), [.. GradCheck, option, value]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("PASS", r.Output);
        Assert.DoesNotContain('\u001b', r.Output);
    }

    [Fact]
    public void A_wrong_colours_value_is_one_line_and_exit_code_2()
    {
        var r = Cli.Run([.. GradCheck, "--colours", "maybe"]);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hybrid: error: --colours: 'maybe'", line);
    }

    [Fact]
    public void NO_COLOR_draws_no_colour_codes()
    {
        var r = RunOnColourTerminal(new Dictionary<string, string> { ["NO_COLOR"] = "1" }, GradCheck);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("PASS", r.Output);
        Assert.DoesNotContain('\u001b', r.Output);
    }

    [Fact]
    public void An_empty_NO_COLOR_leaves_colours_on()
    {
        var r = RunOnColourTerminal(new Dictionary<string, string> { ["NO_COLOR"] = "" }, GradCheck);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains('\u001b', r.Output);
    }

    [Fact]
    public async Task Redirected_output_is_not_wrapped()
    {
        var r = await CliProcess.RunAsync(["train", "--data", "iris", "--epochs", "2", "--output", Path.Combine(_dir, "run")]);
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        // The first line is longer than 80 characters: it must stay whole.
        Assert.Contains(lines, l => l.StartsWith("hybrid train iris", StringComparison.Ordinal) && l.Contains("(stratified)", StringComparison.Ordinal) && l.Length > 80);
        Assert.Contains(lines, l => l.StartsWith("network ", StringComparison.Ordinal) && l.Contains("up to 2 epochs", StringComparison.Ordinal));
        for (int i = 1; i < lines.Length; i++)
        {
            var (before, after) = (lines[i - 1].TrimEnd(), lines[i].TrimStart());
            bool split = before.Length > 0 && after.Length > 0 && char.IsDigit(before[^1]) && (char.IsDigit(after[0]) || after[0] is '%' or '.');
            Assert.False(split, $"a number is split across lines {i} and {i + 1}:\n{before}\n{after}");
        }
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-v")]
    public void Version_prints_the_informational_version(string option)
    {
        var expected = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        var r = Cli.Run(option);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Equal($"hybrid {expected}", r.Output.Trim());
        Assert.Equal("", r.Error);
        Assert.Contains("--version", Cli.Run("--help").Output);
    }

    [Fact]
    public void An_argument_error_does_not_show_the_parameter_name()
    {
        var csv = Path.Combine(_dir, "ok.csv");
        File.WriteAllText(csv, "a,b,label\n1,2,x\n3,4,y\n");
        var r = Cli.Run("train", "--data", csv, "--label-column", "kind", "--epochs", "1", "--output", Path.Combine(_dir, "run"));
        Assert.True(r.ExitCode == 2, r.Error + r.Output);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("has no column named \"kind\"", line);
        Assert.DoesNotContain("(Parameter", line);
        Assert.EndsWith("\"label\".", line.TrimEnd());
    }

    [Fact]
    public void An_IDX_file_without_labels_is_named_as_IDX_and_asks_for_labels()
    {
        // An IDX image file: magic 0x00 0x00 0x08 (unsigned bytes) 0x03 (three dimensions), then 2 images of 2×2.
        var idx = Path.Combine(_dir, "images.idx");
        File.WriteAllBytes(idx, [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
        var r = Cli.Run("train", "--data", idx, "--epochs", "1", "--output", Path.Combine(_dir, "run"));
        Assert.True(r.ExitCode == 2, r.Error + r.Output);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hybrid: error: --data: ", line);
        Assert.Contains("IDX", line);
        Assert.Contains("--labels <file>", line);
    }
}
