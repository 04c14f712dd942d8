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
        if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(30))) == read) return true;
        using (new FileStream(path, FileMode.Open, FileAccess.Write)) { }
        await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(30)));
        return false;
    }
}
