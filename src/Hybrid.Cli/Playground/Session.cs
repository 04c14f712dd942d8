using System.Diagnostics;
using System.Threading.Channels;

namespace Hybrid.Cli.Playground;

/// <summary>
/// One page's training: its own thread, which waits while paused, trains one epoch at a time while
/// playing (each epoch when it is due at the session's pace, on a <see cref="PaceClock"/>), and publishes frames into a channel of capacity 1 that drops the older frame, so a slow
/// page never makes the server hold more than one pending frame. Disposing cancels the task.
/// </summary>
internal sealed class Session : IAsyncDisposable
{
    private static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(120);

    private readonly PlaygroundLimits _limits;
    private readonly PaceClock _clock;
    private readonly CancellationTokenSource _cancel = new();
    private readonly SemaphoreSlim _wake = new(0); // never disposed: a late command may still release it
    private readonly Channel<Frame> _frames;
    private readonly Lock _gate = new();
    private Experiment _run;
    private LossHistory _history = new();
    private bool _playing, _resetRequested;
    private int _steps, _pace;
    private string? _message;
    private Frame? _last;
    private readonly Task _task;


    /// <summary>Starts a paused session (validated settings) and publishes its first frame.</summary>
    /// <param name="id">The session's id.</param>
    /// <param name="settings">The run's settings (validated), with its first pace.</param>
    /// <param name="limits">The bounds in force.</param>
    /// <param name="clock">The clock the pace is kept by (null: the machine's).</param>
    public Session(string id, PlaygroundSettings settings, PlaygroundLimits limits, PaceClock? clock = null)
    {
        Id = id;
        _limits = limits;
        _clock = clock ?? new PaceClock();
        _pace = settings.Pace;
        _frames = Channel.CreateBounded<Frame>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true,
        }, Dropped);
        _run = new Experiment(settings);
        Points = FrameBuilder.Points(_run);
        LastSeen = DateTime.UtcNow;
        Record(_run);
        Publish();
        // A thread of its own: training is synchronous CPU work, and on the thread pool a few sessions
        // would starve the requests (found by the load test); below normal priority keeps the page responsive.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _task = done.Task;
        new Thread(() =>
        {
            try { Loop(); done.SetResult(); }
            catch (Exception e) { done.SetException(e); }
        })
        { IsBackground = true, Priority = ThreadPriority.BelowNormal, Name = "playground session " + id[..8] }.Start();
    }

    /// <summary>The session's id (random, unguessable).</summary>
    public string Id { get; }

    /// <summary>The points to draw (fixed for the session).</summary>
    public PointSet Points { get; }

    /// <summary>When the page last showed signs of life (created the session, sent a command, or held the event stream).</summary>
    public DateTime LastSeen { get; private set; }

    /// <summary>Whether a page holds the event stream now.</summary>
    public bool Streaming => Volatile.Read(ref _streaming) == 1;

    private int _streaming;

    /// <summary>Claims the event stream for one page; false if another page holds it.</summary>
    public bool TryBeginStreaming() => Interlocked.CompareExchange(ref _streaming, 1, 0) == 0;

    /// <summary>Releases the event stream.</summary>
    public void EndStreaming() => Volatile.Write(ref _streaming, 0);

    /// <summary>The frames for the event stream (at most one waiting).</summary>
    public ChannelReader<Frame> Frames => _frames.Reader;

    /// <summary>Frames published so far (written to <see cref="Frames"/>, whether read later or dropped).</summary>
    public EventCount Published { get; } = new();

    /// <summary>Frames dropped unread so far: a newer frame replaced them because the page had not taken them yet.</summary>
    public EventCount DroppedFrames { get; } = new();

    /// <summary>The epoch of the frame dropped last (-1 before any); written before <see cref="DroppedFrames"/> counts it.</summary>
    public int LastDroppedEpoch => Volatile.Read(ref _lastDroppedEpoch);

    private int _lastDroppedEpoch = -1;

    /// <summary>
    /// Whether the training thread is blocked until the next command (paused, every command so far
    /// taken): it publishes nothing until a command comes.
    /// </summary>
    public bool Idle
    {
        get { lock (_gate) return _waiting && _taken == _commands; }
    }

    /// <summary>Counts the times the thread went idle (<see cref="Idle"/> turns true only then): await it with the condition <see cref="Idle"/>.</summary>
    public EventCount Pauses { get; } = new();

    private bool _waiting;
    private long _commands, _taken; // commands given (each releases the thread once) and releases the thread has taken

    /// <summary>The training thread's completion: ends when the session is disposed.</summary>
    public Task Completion => _task;

    /// <summary>The current network and run (immutable network: safe to use while training goes on).</summary>
    public (Experiment Run, Network Network, int Epoch) Current
    {
        get { lock (_gate) return (_run, _run.Network, _run.Epoch); }
    }

    /// <summary>The pace in force, in epochs per second (0: max).</summary>
    public int Pace
    {
        get { lock (_gate) return _pace; }
    }

    /// <summary>
    /// Sets the pace (epochs per second, 0 for max) at once, playing or not: the run goes on from where it is
    /// (network, optimiser state and loss curves kept), and a wait for the next epoch is cut short and measured again.
    /// </summary>
    /// <exception cref="PlaygroundInputException">The pace is out of range.</exception>
    public void SetPace(int epochsPerSecond)
    {
        PlaygroundSettings.ValidatePace(epochsPerSecond, _limits);
        Touch();
        lock (_gate)
        {
            _pace = epochsPerSecond;
            _commands++;
        }
        _wake.Release();
    }

    /// <summary>How far behind its pace a play may fall and still make the time up: a period, and at least 250 ms (a few epochs at the default pace).</summary>
    private static TimeSpan CatchUp(TimeSpan period) => period > TimeSpan.FromMilliseconds(250) ? period : TimeSpan.FromMilliseconds(250);

    /// <summary>The status line's message when the run reaches the epoch cap.</summary>
    private string CapMessage => $"Stopped at the playground's cap of {_limits.MaxEpochs} epochs: press Reset to train again.";

    /// <summary>Marks the page alive.</summary>
    public void Touch() => LastSeen = DateTime.UtcNow;

    /// <summary>Play, pause, step (one epoch) or reset (a fresh network from the same seeds).</summary>
    /// <returns>False for an unknown command.</returns>
    public bool Command(string command)
    {
        Touch();
        lock (_gate)
        {
            switch (command)
            {
                case "play": _playing = true; _message = null; break;
                case "pause": _playing = false; break;
                case "step": _playing = false; _steps++; break;
                case "reset": _playing = false; _steps = 0; _resetRequested = true; break;
                default: return false;
            }
            _commands++;
        }
        _wake.Release();
        return true;
    }

    private void Loop()
    {
        var token = _cancel.Token;
        var sinceFrame = Stopwatch.StartNew();
        // While playing at a pace: when the last epoch was due (the schedule's grid), or null when the next epoch may start at once.
        TimeSpan? lastDue = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                bool train, reset, playing;
                int pace;
                lock (_gate)
                {
                    reset = _resetRequested;
                    _resetRequested = false;
                    playing = _playing;
                    pace = _pace;
                    train = !reset && (_playing || _steps > 0);
                    if (_steps > 0 && !_playing && train) _steps--;
                }
                if (train && playing && pace != PlaygroundSettings.MaxPace)
                {
                    // Epoch k of a stretch of play is due at its start + k/pace: wait for it, unless a command comes first
                    // (then look again: paused, stepped, reset or a new pace). A little behind (a late wake-up, a frame to
                    // build) is made up on the next epochs; further behind (a slow machine, a fast pace) the grid starts
                    // again from now, rather than catch up in a burst.
                    var period = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / pace);
                    var now = _clock.Now;
                    if (lastDue is { } last && now < last + period)
                    {
                        if (_clock.WaitUntil(last + period, _wake, token)) lock (_gate) _taken++;
                        continue;
                    }
                    lastDue = lastDue is { } due && now - (due + period) < CatchUp(period) ? due + period : now;
                }
                else lastDue = null;
                if (train && _run.Epoch >= _limits.MaxEpochs)
                {
                    // Play or Step at the cap: say so again, train nothing.
                    Stop(CapMessage);
                    lock (_gate) _steps = 0;
                    continue;
                }
                if (reset)
                {
                    var fresh = new Experiment(_run.Settings);
                    lock (_gate) { _run = fresh; _history = new LossHistory(); _message = null; }
                    Record(fresh);
                    Publish();
                    continue;
                }
                if (!train)
                {
                    Publish();
                    lock (_gate) _waiting = true;
                    Pauses.Add();
                    _wake.Wait(token);
                    lock (_gate) { _waiting = false; _taken++; }
                    continue;
                }
                try
                {
                    var result = _run.Step(token);
                    Record(_run);
                    if (result.StopReason is StopReason.NonFiniteLoss or StopReason.Diverged || _run.Epoch >= _limits.MaxEpochs)
                        Stop(_run.Epoch >= _limits.MaxEpochs ? CapMessage : result.Message);
                    if (sinceFrame.Elapsed >= FrameInterval || !_playing)
                    {
                        Publish();
                        sinceFrame.Restart();
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // E.g. an overflow in a forward pass after a far too large learning rate: say so, keep the last frame.
                    Stop("Training stopped: " + e.Message);
                    if (_last is not null) Write(_last with { Playing = false, Message = _message });
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { }
        catch (TrainingCanceledException) when (token.IsCancellationRequested) { }
        finally { _frames.Writer.TryComplete(); }
    }

    private void Record(Experiment run)
    {
        var (train, test) = run.Evaluate(run.Network);
        lock (_gate) _history.Add(run.Epoch, train.Loss, test?.Loss ?? double.NaN);
    }

    private void Stop(string message)
    {
        lock (_gate) { _playing = false; _message = message; }
    }

    private void Publish()
    {
        _last = BuildFrame();
        Write(_last);
    }

    private void Write(Frame frame)
    {
        // A bounded channel that drops the older frame accepts every write (until it is completed, when the session ends).
        if (_frames.Writer.TryWrite(frame)) Published.Add();
    }

    private void Dropped(Frame frame)
    {
        Volatile.Write(ref _lastDroppedEpoch, frame.Epoch);
        DroppedFrames.Add();
    }

    private Frame BuildFrame()
    {
        Experiment run;
        Network network;
        int[] epochs;
        double[] trainLoss, testLoss;
        bool playing;
        string? message;
        int pace;
        lock (_gate)
        {
            (run, network, playing, message, pace) = (_run, _run.Network, _playing, _message, _pace);
            (epochs, trainLoss, testLoss) = _history.Snapshot();
        }
        var (train, test) = run.Evaluate(network);
        return new Frame(run.Epoch, playing, epochs, trainLoss, testLoss, train.Accuracy, test?.Accuracy,
                         FrameBuilder.Boundary(run, network, _limits.GridSize), FrameBuilder.Layers(run, network), message,
                         pace, _limits.MaxEpochs, run.Epoch >= _limits.MaxEpochs);
    }

    /// <summary>Cancels the training task and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_cancel.IsCancellationRequested) _cancel.Cancel();
        try { await _task.ConfigureAwait(false); } catch (Exception) { /* the loop reports its own faults through the frames' end */ }
        _cancel.Dispose();
    }
}
