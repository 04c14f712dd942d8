using System.Net;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>
/// A clock for the pace tests. By default time stands still: a wait for the next epoch ends only when a
/// command wakes it. With <see cref="AdvanceOnWait"/> a wait jumps the clock to the time asked for (the
/// time passes at once), so epochs run as fast as they train and the waits they asked for can be read.
/// </summary>
internal sealed class ManualPaceClock : PaceClock
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _dues = [];
    private TimeSpan _now;

    /// <summary>Whether a wait moves the clock to its due time (true) or blocks until a command (false).</summary>
    public bool AdvanceOnWait { get; init; }

    /// <summary>The waits asked for so far, counted after their due time is recorded.</summary>
    public EventCount Waits { get; } = new();

    /// <summary>The due times of the waits asked for, in order (a wait a command ends is asked for again).</summary>
    public TimeSpan[] Dues
    {
        get { lock (_gate) return [.. _dues]; }
    }

    /// <inheritdoc />
    public override TimeSpan Now
    {
        get { lock (_gate) return _now; }
    }

    /// <inheritdoc />
    public override bool WaitUntil(TimeSpan due, SemaphoreSlim wake, CancellationToken cancellationToken)
    {
        lock (_gate) _dues.Add(due);
        Waits.Add();
        if (!AdvanceOnWait) return wake.Wait(Timeout.Infinite, cancellationToken);
        if (wake.Wait(0, cancellationToken)) return true;
        lock (_gate) if (due > _now) _now = due;
        return false;
    }
}

/// <summary>
/// The pace (epochs per second while playing): epochs are due on the session's clock at its pace, a
/// command ends a wait at once, a new pace takes effect while playing without restarting the run, the
/// epoch cap is said, and out-of-range paces are a 400.
/// </summary>
public class PlaygroundPaceTests
{
    private static readonly PlaygroundSettings Small = new() { Layers = [new(8, "tanh"), new(8, "tanh")], Points = 120, Init = "xavier" };

    private static Session Start(PlaygroundSettings settings, PaceClock clock, PlaygroundLimits? limits = null) =>
        new(Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant(), settings, limits ?? new PlaygroundLimits(), clock);

    private static Task Paused(Session session) =>
        Guard.Until(session.Pauses.WhenAsync(() => session.Idle, CancellationToken.None), Guard.Time, () => $"the session to pause (epoch {session.Current.Epoch})");

    private static Task EpochAtLeast(Session session, int epoch) =>
        Guard.Until(session.Published.WhenAsync(() => session.Current.Epoch >= epoch, CancellationToken.None), Guard.Time, () => $"epoch {epoch} (at {session.Current.Epoch})");

    /// <summary>The newest frame the session published (the channel of one holds it).</summary>
    private static Frame LastFrame(Session session)
    {
        Assert.True(session.Frames.TryRead(out var frame));
        return frame;
    }

    [Fact]
    public async Task At_a_pace_of_50_epochs_per_second_epoch_k_of_a_play_is_due_k_times_20_ms_after_it_starts()
    {
        var clock = new ManualPaceClock { AdvanceOnWait = true };
        await using var session = Start(Small with { Pace = 50 }, clock);
        await Paused(session);
        session.Command("play");
        await EpochAtLeast(session, 100);
        session.Command("pause");
        await Paused(session);
        int epochs = session.Current.Epoch;
        var dues = clock.Dues;
        // The first epoch starts at once (at 0 on this clock); every later one waits until it is due: k·(1/50 s).
        // The pause may come before or after the wait for the epoch after the last one trained.
        Assert.InRange(dues.Length, epochs - 1, epochs);
        for (int k = 1; k <= dues.Length; k++)
            Assert.True(dues[k - 1] == TimeSpan.FromMilliseconds(20 * k), $"epoch {k} of the play was due at {dues[k - 1].TotalMilliseconds} ms, not {20 * k} ms");
        // So 50 a second: the epochs trained by the clock's last time are 50 per second of it (and one at time 0).
        // In whole 20 ms steps (ticks), not seconds: 50 × 2.28 s is 113.99999999999999 in floating point.
        long steps = clock.Now.Ticks / TimeSpan.FromMilliseconds(20).Ticks;
        Assert.Equal(0, clock.Now.Ticks % TimeSpan.FromMilliseconds(20).Ticks);
        Assert.InRange(epochs, steps, steps + 1);
        Assert.Equal(50, LastFrame(session).Pace);
    }

    [Fact]
    public async Task A_command_ends_the_wait_for_the_next_epoch_at_once_and_a_new_pace_keeps_the_run_going()
    {
        var clock = new ManualPaceClock(); // time stands still: only a command ends a wait
        await using var session = Start(Small with { Pace = 1 }, clock);
        await Paused(session);
        session.Command("play");
        // The first epoch trains at once; the second is due at 1 s on a clock that never gets there.
        await Guard.Until(clock.Waits.AtLeastAsync(1, CancellationToken.None), Guard.Time, "the wait for the second epoch");
        Assert.Equal(1, session.Current.Epoch);
        Assert.Equal(TimeSpan.FromSeconds(1), clock.Dues[0]);
        session.Command("pause");
        await Paused(session); // without the wake it would wait for ever
        Assert.Equal(1, session.Current.Epoch);
        session.Command("step"); // a step is not paced
        await Guard.Until(session.Pauses.WhenAsync(() => session.Idle && session.Current.Epoch == 2, CancellationToken.None), Guard.Time, "the step");

        session.Command("play");
        await Guard.Until(clock.Waits.AtLeastAsync(2, CancellationToken.None), Guard.Time, "the wait after the third epoch");
        Assert.Equal(3, session.Current.Epoch);
        session.SetPace(PlaygroundSettings.MaxPace); // ends the wait: the same run goes on, unpaced
        await EpochAtLeast(session, 40);
        session.Command("pause");
        await Paused(session);
        Assert.Equal(2, clock.Waits.Value);
        var (run, network, epoch) = session.Current;
        Assert.NotNull(run.State);
        // Not restarted: the losses are those of one uninterrupted Fit at every epoch the curve holds. How far the
        // unpaced run got before the pause depends on the machine, and a long curve keeps every other point (the
        // page's thinning: LossHistory keeps the multiples of a doubling stride), so the curve is checked point by point.
        var reference = LongRun.Curve(Small, epoch);
        Assert.Equal(reference[^1], run.Evaluate(network).Train.Loss);
        var frame = LastFrame(session);
        Assert.Equal(0, frame.Epochs[0]);
        Assert.InRange(frame.Epochs[^1], 1, epoch);
        for (int i = 0; i < frame.Epochs.Length; i++)
            Assert.True(reference[frame.Epochs[i]] == frame.TrainLoss[i], $"epoch {frame.Epochs[i]}: the curve has {frame.TrainLoss[i]:R}, one uninterrupted Fit {reference[frame.Epochs[i]]:R}");
        Assert.Equal(0, frame.Pace);
    }

    [Fact]
    public async Task The_epoch_cap_stops_the_run_and_says_so_in_the_frame_and_play_does_not_pass_it()
    {
        await using var session = Start(Small with { Pace = PlaygroundSettings.MaxPace }, new ManualPaceClock(), new PlaygroundLimits { MaxEpochs = 7 });
        await Paused(session);
        session.Command("play");
        await Guard.Until(session.Pauses.WhenAsync(() => session.Idle && session.Current.Epoch == 7, CancellationToken.None), Guard.Time, "the run to stop at the cap");
        var frame = LastFrame(session);
        Assert.Equal(7, frame.Epoch);
        Assert.True(frame.CapReached);
        Assert.False(frame.Playing);
        Assert.Equal(7, frame.MaxEpochs);
        Assert.Equal("Stopped at the playground's cap of 7 epochs: press Reset to train again.", frame.Message);
        foreach (var command in new[] { "play", "step" })
        {
            session.Command(command);
            await Paused(session);
            Assert.Equal(7, session.Current.Epoch);
            frame = LastFrame(session);
            Assert.True(frame.CapReached);
            Assert.Contains("cap of 7 epochs", frame.Message);
        }
        session.Command("reset");
        await Guard.Until(session.Pauses.WhenAsync(() => session.Idle && session.Current.Epoch == 0, CancellationToken.None), Guard.Time, "the reset");
        frame = LastFrame(session);
        Assert.False(frame.CapReached);
        Assert.Null(frame.Message);
    }

    [Fact]
    public async Task The_pace_is_a_setting_and_a_route_and_out_of_range_it_is_a_400()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        foreach (var (json, expected) in new[]
        {
            ("""{"pace": 1001}""", "pace: 1001 is outside [1, 1000] epochs per second (or 0 for max: as fast as the machine trains)."),
            ("""{"pace": -1}""", "pace: -1 is outside [1, 1000] epochs per second (or 0 for max: as fast as the machine trains)."),
        })
        {
            using var r = await client.Http.PostAsync("api/sessions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal(expected, await PlaygroundClient.ErrorOf(r));
        }
        Assert.Equal(0, server.SessionCount);

        var (id, _) = await client.StartAsync(Small);
        var session = server.Sessions.Find(id)!;
        Assert.Equal(PlaygroundSettings.DefaultPace, session.Pace);
        foreach (var (value, expected) in new[] { ("5000", "pace: 5000 is outside [1, 1000]"), ("fast", "pace: give ?epochsPerSecond=N"), ("-3", "pace: give ?epochsPerSecond=N") })
        {
            using var r = await client.Http.PostAsync($"api/sessions/{id}/pace?epochsPerSecond={value}", null);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains(expected, await PlaygroundClient.ErrorOf(r));
        }
        using (var none = await client.Http.PostAsync($"api/sessions/{id}/pace", null))
            Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(PlaygroundSettings.DefaultPace, session.Pace);
        using (var max = await client.Http.PostAsync($"api/sessions/{id}/pace?epochsPerSecond=max", null))
            Assert.Equal(HttpStatusCode.NoContent, max.StatusCode);
        Assert.Equal(PlaygroundSettings.MaxPace, session.Pace);
        using (var slow = await client.Http.PostAsync($"api/sessions/{id}/pace?epochsPerSecond=5", null))
            Assert.Equal(HttpStatusCode.NoContent, slow.StatusCode);
        Assert.Equal(5, session.Pace);
        using var missing = await client.Http.PostAsync("api/sessions/nope/pace?epochsPerSecond=5", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public void The_default_pace_leaves_minutes_before_the_cap()
    {
        var limits = new PlaygroundLimits();
        var defaults = new PlaygroundSettings();
        Assert.Equal(20, defaults.Pace);
        // At the default pace the cap is about 17 minutes away; the spiral curls in its first 60–70 epochs, about 3 s.
        Assert.True(limits.MaxEpochs / (double)defaults.Pace >= 5 * 60, $"{limits.MaxEpochs} epochs at {defaults.Pace}/s");
    }
}

/// <summary>A reference for the playground's runs: one uninterrupted <see cref="Trainer.Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>.</summary>
internal static class LongRun
{
    /// <summary>The training loss (as the page shows it: dropout off, no L2 term) before training and after each of <paramref name="epochs"/> epochs of one Fit.</summary>
    public static double[] Curve(PlaygroundSettings s, int epochs)
    {
        var run = new Experiment(s);
        var losses = new List<double> { run.Evaluate(run.Network).Train.Loss };
        if (epochs == 0) return [.. losses];
        var trainer = new Trainer(Choices.Outputs[s.Output].Loss, Choices.Optimizers[s.Optimizer].Create(s.LearningRate))
        {
            BatchSize = s.BatchSize, WeightDecay = s.L2, Epochs = epochs, Seed = s.Seed,
            Callbacks = [new EachEpoch(network => losses.Add(run.Evaluate(network).Train.Loss))],
        };
        trainer.Fit(run.Network, run.Train.Features, run.Train.Targets, null, CancellationToken.None);
        return [.. losses];
    }

    private sealed class EachEpoch(Action<Network> action) : TrainingCallback
    {
        public override void OnEpochEnd(EpochEndContext context) => action(context.Network);
    }
}
