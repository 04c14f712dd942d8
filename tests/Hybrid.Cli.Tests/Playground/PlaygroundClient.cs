using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>Talks to a running playground over loopback HTTP, as the page does.</summary>
/// <param name="url">The server.</param>
/// <param name="receiveBuffer">The socket's receive buffer in bytes (0: the system's): a small one makes the connection of a
/// page that stops reading fill after a frame or two, so the server soon has to drop frames for it.</param>
public sealed class PlaygroundClient(Uri url, int receiveBuffer = 0) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The HTTP client (base address: the server).</summary>
    public HttpClient Http { get; } = new(Handler(receiveBuffer)) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };

    private static SocketsHttpHandler Handler(int receiveBuffer) => receiveBuffer <= 0 ? new() : new()
    {
        ConnectCallback = async (context, cancel) =>
        {
            // Set before connecting, so the advertised window is small from the start.
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = receiveBuffer };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>POST /api/sessions with these settings (any JSON).</summary>
    public Task<HttpResponseMessage> CreateAsync(object settings) => Http.PostAsJsonAsync("api/sessions", settings, Json);

    /// <summary>Creates a session and returns its id and the whole answer.</summary>
    public async Task<(string Id, JsonNode Body)> StartAsync(PlaygroundSettings settings)
    {
        using var r = await CreateAsync(settings);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!;
        return (body["id"]!.GetValue<string>(), body);
    }

    /// <summary>POST a command (play, pause, step, reset, gradient-check).</summary>
    public Task<HttpResponseMessage> CommandAsync(string id, string command) => Http.PostAsync($"api/sessions/{id}/{command}", null);

    /// <summary>The JSON error message of a refused request.</summary>
    public static async Task<string> ErrorOf(HttpResponseMessage r) => JsonNode.Parse(await r.Content.ReadAsStringAsync())!["error"]!.GetValue<string>();

    /// <summary>Reads the session's event stream until a frame satisfies <paramref name="until"/>; closing it ends the session.</summary>
    /// <param name="id">The session.</param>
    /// <param name="until">Stops reading once it returns true.</param>
    /// <param name="timeout">Gives up after this long (a guard against a hang, not a claim about speed).</param>
    /// <param name="afterEach">A slow page: awaited after each frame before reading on (e.g. until the server has dropped a frame for it).</param>
    public async Task<JsonNode> ReadFramesAsync(string id, Func<JsonNode, bool> until, TimeSpan timeout, Func<JsonNode, Task>? afterEach = null)
    {
        using var cancel = new CancellationTokenSource(timeout);
        int frames = 0;
        string? lastEpoch = null;
        try
        {
            using var response = await Http.GetAsync($"api/sessions/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
            while (await reader.ReadLineAsync(cancel.Token) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                var frame = JsonNode.Parse(line["data: ".Length..])!;
                frames++;
                lastEpoch = frame["epoch"]?.ToJsonString();
                if (until(frame)) return frame;
                if (afterEach is not null) await afterEach(frame).WaitAsync(cancel.Token);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Assert.Fail($"session {id[..8]}: no frame as expected within the guard of {timeout.TotalSeconds:F0} s ({frames} frames read, the last of epoch {lastEpoch ?? "none"})");
        }
        throw new InvalidOperationException("The event stream ended before the expected frame.");
    }

    /// <inheritdoc />
    public void Dispose() => Http.Dispose();
}

/// <summary>Waits for events that are bound to happen, under a guard.</summary>
internal static class Guard
{
    /// <summary>The playground tests' guard on a wait: generous, and below the test run's hang timeout so a bug fails with a message.</summary>
    public static readonly TimeSpan Time = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Awaits <paramref name="happened"/>; the guard only turns a bug (the event never comes) into a clear
    /// failure instead of a hang, it is not a claim about speed.
    /// </summary>
    public static Task Until(Task happened, TimeSpan guard, string what) => Until(happened, guard, () => what);

    /// <inheritdoc cref="Until(Task, TimeSpan, string)"/>
    /// <param name="what">The event, described when the guard fails (e.g. with the counts at that time).</param>
    public static async Task Until(Task happened, TimeSpan guard, Func<string> what)
    {
        if (!await Tests.Cli.CompletesWithin(happened, guard))
            Assert.Fail($"{what()}: it did not happen within the guard of {guard.TotalSeconds:F0} s (it is bound to happen: a bug, or a machine far too slow)");
        await happened;
    }
}
