namespace Hybrid.Cli.Playground;

/// <summary>
/// A count of something that happened (frames published, frames dropped, sessions ended) that only
/// grows, with a way to await a condition it signals: tests wait on these events instead of sleeping.
/// </summary>
internal sealed class EventCount
{
    private int _value;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many times it happened so far.</summary>
    public int Value => Volatile.Read(ref _value);

    /// <summary>Counts one more (after any state the waiters' conditions read is written).</summary>
    public void Add()
    {
        Interlocked.Increment(ref _value);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
    }

    /// <summary>
    /// Completes once <paramref name="condition"/> holds, looking again after every count; the condition
    /// must read state written before the count that makes it true. Cancelling is the caller's guard.
    /// </summary>
    public async Task WhenAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the next count's task before looking: a count after the look completes it, so none is missed.
            var next = Volatile.Read(ref _next).Task;
            if (condition()) return;
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes once the count reaches <paramref name="count"/>.</summary>
    public Task AtLeastAsync(int count, CancellationToken cancellationToken) => WhenAsync(() => Value >= count, cancellationToken);
}
