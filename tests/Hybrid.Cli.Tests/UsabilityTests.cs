namespace Hybrid.Cli.Tests;

/// <summary>What a new user meets first: output redirected to a file, colours off, --version, error wording, an IDX file without its labels.</summary>
public sealed class UsabilityTests : IDisposable
{
    private readonly string _dir = Cli.TempFolder();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

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
}
