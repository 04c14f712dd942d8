using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>Talks to a running playground over loopback HTTP, as the page does.</summary>
public sealed class PlaygroundClient(Uri url) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The HTTP client (base address: the server).</summary>
    public HttpClient Http { get; } = new() { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };

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
    /// <param name="timeout">Gives up after this long.</param>
    /// <param name="pause">A slow page: waits this long after each frame before reading on.</param>
    public async Task<JsonNode> ReadFramesAsync(string id, Func<JsonNode, bool> until, TimeSpan timeout, TimeSpan pause = default)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var response = await Http.GetAsync($"api/sessions/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var frame = JsonNode.Parse(line["data: ".Length..])!;
            if (until(frame)) return frame;
            if (pause > TimeSpan.Zero) await Task.Delay(pause, cancel.Token);
        }
        throw new InvalidOperationException("The event stream ended before the expected frame.");
    }

    /// <inheritdoc />
    public void Dispose() => Http.Dispose();
}
