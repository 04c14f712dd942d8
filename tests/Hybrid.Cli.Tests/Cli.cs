using Spectre.Console;

namespace Hybrid.Cli.Tests;

/// <summary>Runs the program in-process with a recording console (no colours, not interactive: the plain-line output CI sees).</summary>
public static class Cli
{
    /// <summary>What a run printed and returned.</summary>
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs <c>hybrid args...</c>.</summary>
    public static Result Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>Runs <c>hybrid args...</c> with a cancellation token (Ctrl+C).</summary>
    public static Result Run(CancellationToken cancellationToken, params string[] args) => Run(new StringWriter(), cancellationToken, args);

    /// <summary>Runs <c>hybrid args...</c> writing its output to <paramref name="output"/>.</summary>
    public static Result Run(StringWriter output, CancellationToken cancellationToken, params string[] args)
    {
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        int code = Program.Run(args, console, error, cancellationToken);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>A fresh folder under the system temp folder.</summary>
    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "hybrid-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Whether <paramref name="task"/> completes within <paramref name="guard"/>: a failure guard that ends a test instead of hanging it, never synchronisation.</summary>
    public static async Task<bool> CompletesWithin(Task task, TimeSpan guard)
    {
        try { await task.WaitAsync(guard); return true; }
        catch (TimeoutException) { return false; }
        catch { return true; } // it completed, with an exception the caller observes when it awaits it
    }
}

/// <summary>A writer that cancels a token once its text contains a marker: Ctrl+C at a known point of the output.</summary>
public sealed class CancelOn(string marker, CancellationTokenSource cancel) : StringWriter
{
    public override void Write(char value) { base.Write(value); Check(); }

    public override void Write(string? value) { base.Write(value); Check(); }

    public override void WriteLine(string? value) { base.WriteLine(value); Check(); }

    private void Check()
    {
        if (!cancel.IsCancellationRequested && ToString().Contains(marker, StringComparison.Ordinal)) cancel.Cancel();
    }
}
