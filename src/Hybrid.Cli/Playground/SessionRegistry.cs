using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Hybrid.Cli.Playground;

/// <summary>
/// The live sessions: at most <see cref="PlaygroundLimits.MaxSessions"/> at once (the next one is
/// refused, a 429), each ended when its page goes away (its event stream closes), when the page
/// asks, or when no page has held its stream for <see cref="PlaygroundLimits.IdleTimeout"/> (the reaper).
/// </summary>
internal sealed class SessionRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private readonly Lock _gate = new();
    private readonly Timer _reaper;

    /// <summary>A registry with the given limits; the reaper looks every few seconds.</summary>
    public SessionRegistry(PlaygroundLimits limits)
    {
        Limits = limits;
        var period = TimeSpan.FromTicks(Math.Clamp(limits.IdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));
        _reaper = new Timer(_ => _ = ReapAsync(), null, period, period);
    }

    /// <summary>The limits in force.</summary>
    public PlaygroundLimits Limits { get; }

    /// <summary>Sessions alive now.</summary>
    public int Count => _sessions.Count;

    /// <summary>Sessions ended so far (by their page, a request or the reaper).</summary>
    public int Ended => EndedSessions.Value;

    /// <summary>The sessions ended so far, to await (a freed slot, every session ended): counted once the training thread has ended.</summary>
    public EventCount EndedSessions { get; } = new();

    /// <summary>Sessions whose training task ended with an unexpected exception (a bug; 0 expected).</summary>
    public int Faulted => _faulted;

    private int _faulted;

    /// <summary>Starts a session, or returns null when the cap is reached.</summary>
    /// <exception cref="PlaygroundInputException">Settings out of range.</exception>
    public Session? TryStart(PlaygroundSettings settings)
    {
        settings.Validate(Limits);
        lock (_gate)
        {
            if (_sessions.Count >= Limits.MaxSessions) return null;
            var session = new Session(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(), settings, Limits);
            _sessions[session.Id] = session;
            return session;
        }
    }

    /// <summary>The session with this id, or null.</summary>
    public Session? Find(string id) => _sessions.TryGetValue(id, out var s) ? s : null;

    // The ids of the last sessions that ended, oldest first (at most RecentlyEndedKept): a DELETE that arrives
    // after the session ended by itself (its page closed the event stream first) is then answered 204, not 404.
    private const int RecentlyEndedKept = 256;
    private readonly Queue<string> _recentlyEnded = new();

    /// <summary>Whether a session with this id ended recently (one of the last 256 to end).</summary>
    public bool EndedRecently(string id)
    {
        lock (_recentlyEnded) return _recentlyEnded.Contains(id);
    }

    /// <summary>Ends a session: cancels its training and waits for the task.</summary>
    public async Task EndAsync(string id)
    {
        if (!_sessions.TryRemove(id, out var session)) return;
        lock (_recentlyEnded)
        {
            _recentlyEnded.Enqueue(id);
            if (_recentlyEnded.Count > RecentlyEndedKept) _recentlyEnded.Dequeue();
        }
        await session.DisposeAsync();
        if (session.Completion.IsFaulted) Interlocked.Increment(ref _faulted);
        EndedSessions.Add();
    }

    private async Task ReapAsync()
    {
        var cutoff = DateTime.UtcNow - Limits.IdleTimeout;
        foreach (var s in _sessions.Values.Where(s => !s.Streaming && s.LastSeen < cutoff).ToList())
            await EndAsync(s.Id);
    }

    /// <summary>Ends every session (the server is stopping).</summary>
    public async ValueTask DisposeAsync()
    {
        await _reaper.DisposeAsync();
        foreach (var id in _sessions.Keys.ToList()) await EndAsync(id);
    }
}
