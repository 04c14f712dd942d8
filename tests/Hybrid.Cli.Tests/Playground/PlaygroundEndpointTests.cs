using System.Net;
using System.Text.Json.Nodes;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>The playground's routes on a real Kestrel on a loopback ephemeral port: the page, sessions, validation (400), the cap (429), the event stream, the end of a session when its page goes away, the reaper, the gradient check.</summary>
public class PlaygroundEndpointTests
{
    private static readonly PlaygroundSettings Small = new() { Layers = [new(8, "tanh"), new(8, "tanh")], Points = 120 };

    [Fact]
    public async Task The_page_and_its_files_are_served_from_the_assembly_on_loopback()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        Assert.Equal("127.0.0.1", server.Url.Host);
        using var client = new PlaygroundClient(server.Url);
        var html = await client.Http.GetStringAsync("/");
        Assert.Contains("<canvas id=\"boundary\"", html);
        Assert.DoesNotContain("https://", html); // nothing fetched from elsewhere
        var js = await client.Http.GetAsync("/playground.js");
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("http", await js.Content.ReadAsStringAsync());
        var options = JsonNode.Parse(await client.Http.GetStringAsync("/api/options"))!;
        Assert.Equal(["spiral", "moons", "circles", "blobs", "xor", "and", "or"], options["dataSets"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(9, options["presets"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_session_holds_the_stratified_split_of_the_spiral()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        var (_, body) = await client.StartAsync(new PlaygroundSettings());
        // 300 rows, 3 arms of 100; test share 0.2 stratified: ⌊0.2·100 + ½⌋ = 20 per class.
        var points = body["points"]!;
        Assert.Equal(240, points["train"]!.AsArray().Count);
        Assert.Equal(60, points["test"]!.AsArray().Count);
        Assert.Equal(3, points["classCount"]!.GetValue<int>());
        Assert.All(points["test"]!.AsArray().GroupBy(p => p![2]!.GetValue<double>()), g => Assert.Equal(20, g.Count()));
        var (_, gate) = await client.StartAsync(new PlaygroundSettings { Dataset = "xor" });
        Assert.Equal(4, gate["points"]!["train"]!.AsArray().Count);
        Assert.Empty(gate["points"]!["test"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"points": -5}""", "points: -5 is outside [20, 2000].")]
    [InlineData("""{"points": 1000000000}""", "points: 1000000000 is outside [20, 2000].")]
    [InlineData("""{"layers": [{"units": -3, "activation": "relu"}]}""", "layers[0].units: -3 is outside [1, 64].")]
    [InlineData("""{"layers": [{"units": 4, "activation": "mish"}]}""", "layers[0].activation: unknown \"mish\"")]
    [InlineData("""{"dataset": "mnist"}""", "dataset: unknown \"mnist\"")]
    [InlineData("""{"learningRate": 0}""", "learningRate: 0 is outside (0, 10].")]
    [InlineData("""{"noise": -1}""", "noise: -1 is outside [0, 2].")]
    [InlineData("""{"batchSize": 0}""", "batchSize: 0 is outside [1, 2000].")]
    [InlineData("""{"dropout": 0.95}""", "dropout: 0.95 is outside [0, 0.9].")]
    [InlineData("""{"testShare": 1}""", "testShare: 1 is outside [0.05, 0.9].")]
    [InlineData("""{"optimizer": "lbfgs"}""", "optimizer: unknown \"lbfgs\"")]
    [InlineData("""{"precision": "half"}""", "precision: unknown \"half\"; use one of double, single.")]
    [InlineData("""{"init": "orthogonal"}""", "init: unknown \"orthogonal\"")]
    [InlineData("""{"output": "sigmoid"}""", "output: unknown \"sigmoid\"")]
    [InlineData("""{"seed": -1}""", "seed: -1 is outside [0, 1000000].")]
    [InlineData("""{"layers": null}""", "layers: missing")]
    [InlineData("""{"points": "many"}""", "not valid JSON of the expected shape")]
    [InlineData("""{"points": 300""", "not valid JSON")]
    public async Task A_setting_out_of_range_is_a_400_whose_message_names_it(string json, string expected)
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        using var r = await client.Http.PostAsync("api/sessions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(expected, await PlaygroundClient.ErrorOf(r));
        Assert.Equal(0, server.SessionCount);
    }

    [Fact]
    public async Task Every_preset_starts_a_session_and_explains_its_choices()
    {
        await using var server = await PlaygroundServer.StartAsync(0, new PlaygroundLimits { MaxSessions = Presets.All.Count });
        using var client = new PlaygroundClient(server.Url);
        foreach (var preset in Presets.All)
        {
            var (_, body) = await client.StartAsync(preset.Settings);
            var titles = body["explain"]!.AsArray().Select(e => e!["title"]!.GetValue<string>()).ToList();
            Assert.Contains(titles, t => t.Contains("(S26)"));
            Assert.Contains(preset.Settings.Optimizer == "sgd" ? "Minibatch SGD (S27, S28)" : "Adam, β1 = 0.9, β2 = 0.999, ε = 1e-8", titles);
        }
        Assert.Equal(["s01-and", "s01-xor", "s01-xor-mlp", "s31-small", "s31-large", "s31-xavier", "s27-small", "s27-good", "s27-large"], Presets.All.Select(p => p.Id));
    }

    [Fact]
    public async Task The_cap_refuses_the_next_session_with_429_until_one_ends()
    {
        await using var server = await PlaygroundServer.StartAsync(0, new PlaygroundLimits { MaxSessions = 2 });
        using var client = new PlaygroundClient(server.Url);
        var (first, _) = await client.StartAsync(Small);
        await client.StartAsync(Small);
        using var third = await client.CreateAsync(Small);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("at most 2 sessions", await PlaygroundClient.ErrorOf(third));
        using var end = await client.Http.DeleteAsync($"api/sessions/{first}");
        Assert.Equal(HttpStatusCode.NoContent, end.StatusCode);
        await client.StartAsync(Small);
        Assert.Equal(2, server.SessionCount);
        // A DELETE that repeats (or comes after the session ended by itself) is done, not an error; an id never given is a 404.
        using var again = await client.Http.DeleteAsync($"api/sessions/{first}");
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        using var never = await client.Http.DeleteAsync("api/sessions/nope");
        Assert.Equal(HttpStatusCode.NotFound, never.StatusCode);
    }

    [Fact]
    public async Task Unknown_sessions_and_commands_are_refused_with_a_message()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        using var missing = await client.CommandAsync("nope", "play");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("No session \"nope\"", await PlaygroundClient.ErrorOf(missing));
        var (id, _) = await client.StartAsync(Small);
        using var bad = await client.CommandAsync(id, "rewind");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Unknown command \"rewind\"", await PlaygroundClient.ErrorOf(bad));
    }

    [Fact]
    public async Task Steps_stream_frames_with_the_boundary_the_layers_and_the_losses()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        var (id, _) = await client.StartAsync(Small);
        (await client.CommandAsync(id, "step")).EnsureSuccessStatusCode();
        (await client.CommandAsync(id, "step")).EnsureSuccessStatusCode();
        var frame = await client.ReadFramesAsync(id, f => f["epoch"]!.GetValue<int>() == 2, Guard.Time);
        Assert.False(frame["playing"]!.GetValue<bool>());
        Assert.Equal([0, 1, 2], frame["epochs"]!.AsArray().Select(e => e!.GetValue<int>()));
        Assert.Equal(3, frame["trainLoss"]!.AsArray().Count);
        Assert.Equal(3, frame["testLoss"]!.AsArray().Count);
        var boundary = frame["boundary"]!;
        Assert.Equal(60 * 60, boundary["classes"]!.AsArray().Count);
        Assert.All(boundary["classes"]!.AsArray(), c => Assert.InRange(c!.GetValue<int>(), 0, 2));
        var layers = frame["layers"]!.AsArray();
        Assert.Equal(["layer 0 (8 Tanh)", "layer 1 (8 Tanh)", "layer 2 (3 Softmax)"], layers.Select(l => l!["name"]!.GetValue<string>()));
        // 120 rows, test share 0.2 → 96 training rows; each histogram counts every activation once.
        Assert.Equal(96 * 8, layers[0]!["counts"]!.AsArray().Sum(c => c!.GetValue<int>()));
        Assert.Equal(96 * 3, layers[2]!["counts"]!.AsArray().Sum(c => c!.GetValue<int>()));
        Assert.All(layers, l => Assert.True(l!["gradientNorm"]!.GetValue<double>() > 0));
        // tanh lies in (−1, 1); softmax outputs in (0, 1).
        Assert.InRange(layers[0]!["min"]!.GetValue<double>(), -1, 1);
        Assert.InRange(layers[2]!["max"]!.GetValue<double>(), 0, 1);
    }

    [Fact]
    public async Task Closing_the_event_stream_ends_the_session_and_its_training()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        var (id, _) = await client.StartAsync(Small);
        (await client.CommandAsync(id, "play")).EnsureSuccessStatusCode();
        await client.ReadFramesAsync(id, f => f["epoch"]!.GetValue<int>() >= 3, Guard.Time);
        // A session leaves the list first, then its thread is awaited and it is counted as ended.
        await Guard.Until(server.Sessions.EndedSessions.AtLeastAsync(1, CancellationToken.None), Guard.Time, "the session to end once its stream closed");
        Assert.Equal(0, server.SessionCount);
        Assert.Equal(0, server.FaultedSessions);
        using var after = await client.CommandAsync(id, "play");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task A_second_page_on_the_same_session_is_refused_with_409()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        var (id, _) = await client.StartAsync(Small);
        using var first = await client.Http.GetAsync($"api/sessions/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await client.Http.GetAsync($"api/sessions/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("already has a page listening", await PlaygroundClient.ErrorOf(second));
    }

    [Fact]
    public void The_command_prints_its_loopback_URL_and_stops_on_Ctrl_C()
    {
        using var cancel = new CancellationTokenSource();
        var r = Cli.Run(new CancelOn("SIGTERM stops it.", cancel), cancel.Token, "playground", "--port", "0", "--max-sessions", "2");
        Assert.True(r.ExitCode == Program.Success, r.Error + r.Output);
        Assert.Matches(@"Playground: http://127\.0\.0\.1:\d+/ \(loopback only; at most 2 trainings at once\)", r.Output);
        Assert.Contains("Playground stopped.", r.Output);
        var bad = Cli.Run("playground", "--port", "70000");
        Assert.Equal(Program.UsageError, bad.ExitCode);
        Assert.Contains("--port: 70000 is outside [0, 65535].", bad.Error);
    }

    [Fact]
    public async Task The_reaper_ends_a_session_no_page_listens_to()
    {
        await using var server = await PlaygroundServer.StartAsync(0, new PlaygroundLimits { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        using var client = new PlaygroundClient(server.Url);
        var (id, _) = await client.StartAsync(Small);
        // Training or not: on a loaded machine the reaper may end the session before this command reaches it (a 404).
        using (var play = await client.CommandAsync(id, "play"))
            Assert.True(play.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound, $"play: {(int)play.StatusCode}");
        await Guard.Until(server.Sessions.EndedSessions.AtLeastAsync(1, CancellationToken.None), Guard.Time, "the reaper to end the session");
        Assert.Equal(0, server.SessionCount);
        Assert.Equal(0, server.FaultedSessions);
        using var after = await client.CommandAsync(id, "play");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task The_gradient_check_of_a_trained_tanh_network_is_below_the_threshold()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        var (id, _) = await client.StartAsync(Small with { L2 = 0.01 });
        for (int i = 0; i < 3; i++) (await client.CommandAsync(id, "step")).EnsureSuccessStatusCode();
        using var r = await client.CommandAsync(id, "gradient-check");
        var report = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        Assert.Equal(16, report["rows"]!.GetValue<int>());
        var lines = report["lines"]!.AsArray();
        Assert.Equal(["layer 0 W", "layer 0 b", "layer 1 W", "layer 1 b", "layer 2 W", "layer 2 b"], lines.Select(l => l!["parameter"]!.GetValue<string>()));
        // Smooth network (tanh, softmax): central differences with h = 1e-5 agree to about 1e-7.
        Assert.All(lines, l => Assert.InRange(l!["maxRelativeError"]!.GetValue<double>(), 0, 1e-5));
        Assert.All(lines, l => Assert.True(l!["passed"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task The_gradient_check_refuses_a_network_too_large_to_check_quickly()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        var (id, _) = await client.StartAsync(Small with { Layers = [.. Enumerable.Range(0, 3).Select(_ => new LayerSettings(64, "relu"))] });
        using var r = await client.CommandAsync(id, "gradient-check");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("at most 5000 parameters", await PlaygroundClient.ErrorOf(r));
    }

    [Fact]
    public async Task A_page_that_reads_nothing_costs_at_most_one_pending_frame()
    {
        await using var sessions = new SessionRegistry(new PlaygroundLimits());
        var session = sessions.TryStart(Small)!;
        session.Command("play");
        // Frames published while nobody reads (counted by the session, not timed), then paused: the thread
        // blocks until the next command, so the counts hold still.
        await Guard.Until(session.Published.AtLeastAsync(6, CancellationToken.None), Guard.Time, "six frames to be published");
        session.Command("pause");
        await Guard.Until(session.Pauses.WhenAsync(() => session.Idle, CancellationToken.None), Guard.Time, "the session to pause");
        int published = session.Published.Value;
        // The first frame filled the channel of one; every later one replaced the one before it.
        Assert.Equal(published - 1, session.DroppedFrames.Value);
        Assert.Equal(1, session.Frames.Count);
        Assert.True(session.Frames.TryRead(out var frame));
        Assert.True(frame.Epoch == session.Current.Epoch, $"the pending frame is of epoch {frame.Epoch}, not the newest (the paused epoch {session.Current.Epoch}): a newer frame was dropped instead of the older");
        Assert.True(frame.Epoch >= 4, $"six frames, at least four of them after an epoch: epoch {frame.Epoch}");
        Assert.False(frame.Playing);
    }

    [Fact]
    public void The_loss_history_stays_bounded_and_evenly_thinned()
    {
        var history = new LossHistory();
        for (int e = 0; e <= 5000; e++) history.Add(e, 1.0 / (e + 1), double.NaN);
        var (epochs, train, test) = history.Snapshot();
        Assert.InRange(epochs.Length, LossHistory.Capacity / 2, LossHistory.Capacity);
        Assert.Empty(test);
        int stride = epochs[1] - epochs[0];
        Assert.All(epochs.Zip(epochs.Skip(1)), p => Assert.Equal(stride, p.Second - p.First));
        Assert.Equal(0, epochs[0]);
        Assert.Equal(1.0 / (epochs[^1] + 1), train[^1]);
        Assert.True(epochs[^1] > 5000 - stride);
    }
}
