using System.Diagnostics;

namespace Hybrid.Cli.Tests;

/// <summary>
/// Runs <c>hybrid</c> as a child process (the built Hybrid.Cli.dll under <c>dotnet</c>), for what an
/// in-process run cannot show: a signal, a limited heap. Its timeouts are failure guards only: a
/// run that passes never waits for them.
/// </summary>
public static class CliProcess
{
    /// <summary>Starts <c>hybrid args...</c> with standard output and error redirected, and extra environment variables.</summary>
    public static Process Start(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // No multicore JIT profile in the user's cache from a test run (JitProfileTests turns it on in a directory of its own).
        info.Environment["HYBRID_JIT_PROFILE"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    /// <summary>Runs <c>hybrid args...</c> to its end and returns its exit code and outputs.</summary>
    public static async Task<Cli.Result> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var p = Start(args, environment);
        p.StandardInput.Close();
        // Each pipe on a thread of its own: a pipe's asynchronous read may block its caller until the end.
        var stdout = Task.Run(p.StandardOutput.ReadToEnd);
        var stderr = Task.Run(p.StandardError.ReadToEnd);
        await WaitForExitAsync(p, $"hybrid {string.Join(' ', args)}");
        return new Cli.Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Waits for the process to end; a failure guard of two minutes kills it and fails the test.</summary>
    public static async Task WaitForExitAsync(Process p, string what)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await p.WaitForExitAsync(guard.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{what} did not end");
        }
    }

    /// <summary>Sends SIGTERM (Unix only) with kill(1).</summary>
    public static void Terminate(Process p)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -TERM {p.Id} failed");
    }
}
