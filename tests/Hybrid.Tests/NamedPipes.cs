using System.Diagnostics;

namespace Hybrid.Tests;

/// <summary>Named pipes for the tests that readers refuse them: making one, and running a read that must not block on it.</summary>
public static class NamedPipes
{
    /// <summary>Makes a named pipe at <paramref name="path"/> with mkfifo(1) (Unix only).</summary>
    public static async Task Make(string path)
    {
        using (var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!) await p.WaitForExitAsync();
        Assert.True(File.Exists(path));
    }

    /// <summary>
    /// Whether <paramref name="read"/> ended without a writer on the pipe. A read that blocks is
    /// unblocked (the pipe opened for writing, nothing written) so that the test process can end; the
    /// wait is a failure guard only: a refusal comes before the pipe is opened.
    /// </summary>
    public static async Task<bool> EndsWithoutAWriter(Task read, string path)
    {
        if (await CompletesWithin(read, TimeSpan.FromSeconds(30))) return true;
        using (new FileStream(path, FileMode.Open, FileAccess.Write)) { }
        await CompletesWithin(read, TimeSpan.FromSeconds(30));
        return false;
    }

    /// <summary>Whether <paramref name="task"/> completes within <paramref name="guard"/> (a failure guard, not synchronisation).</summary>
    internal static async Task<bool> CompletesWithin(Task task, TimeSpan guard)
    {
        try { await task.WaitAsync(guard); return true; }
        catch (TimeoutException) { return false; }
        catch { return true; } // it completed, with an exception the caller observes when it awaits it
    }

}
