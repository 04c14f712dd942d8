using System.Diagnostics;

namespace Hybrid.Cli.Playground;

/// <summary>
/// The clock a session keeps its pace by: what time it is, and a wait until an epoch is due that a
/// command (play, pause, step, reset, a new pace) ends at once. Tests replace it with a clock of their
/// own, so a pace can be checked without waiting for it.
/// </summary>
internal class PaceClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    /// <summary>Time since the clock was made.</summary>
    public virtual TimeSpan Now => Stopwatch.GetElapsedTime(_start);

    /// <summary>
    /// Blocks until <paramref name="due"/> (on this clock) or until <paramref name="wake"/> is released,
    /// whichever comes first.
    /// </summary>
    /// <returns>True if a release of <paramref name="wake"/> ended the wait (and was taken), false if the time came.</returns>
    public virtual bool WaitUntil(TimeSpan due, SemaphoreSlim wake, CancellationToken cancellationToken)
    {
        var left = due - Now;
        return wake.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
    }
}
