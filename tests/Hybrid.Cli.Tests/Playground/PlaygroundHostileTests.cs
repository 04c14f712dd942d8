using System.Net;
using System.Text;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>The playground refuses settings with a repeated key, never echoes a long value back whole, and stops on SIGTERM.</summary>
public class PlaygroundHostileTests
{
    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(PlaygroundClient client, string json)
    {
        using var r = await client.Http.PostAsync("api/sessions", new StringContent(json, Encoding.UTF8, "application/json"));
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"points": 300, "points": 100000}""", "points")]
    [InlineData("""{"layers": [{"units": 4, "units": 64, "activation": "relu"}]}""", "units")]
    [InlineData("""{"dataset": "spiral", "Dataset": "moons"}""", "Dataset")]
    public async Task A_repeated_key_is_a_400_that_names_it(string json, string key)
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        var (status, body) = await PostAsync(client, json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("more than once", body);
        Assert.Contains(key, body);
        Assert.Equal(0, server.SessionCount);
    }

    [Theory]
    [InlineData("dataset")]
    [InlineData("preprocess")]
    [InlineData("optimizer")]
    [InlineData("layers")]
    public async Task A_60_kB_value_is_not_echoed_whole(string field)
    {
        var value = new string('v', 60_000) + "\r\n";
        var escaped = System.Text.Json.JsonSerializer.Serialize(value);
        var json = field == "layers" ? $$"""{"layers": [{"units": 4, "activation": {{escaped}}}]}""" : $$"""{"{{field}}": {{escaped}}}""";
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        var (status, body) = await PostAsync(client, json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.Length < 1000, $"a reply of {body.Length} characters");
        Assert.Contains("(60002 characters)", body);
    }

    [Fact]
    public async Task SIGTERM_stops_the_playground()
    {
        if (OperatingSystem.IsWindows()) return;   // no POSIX signals
        using var p = CliProcess.Start(["playground", "--port", "0"]);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Both pipes are read on threads of their own: a pipe's asynchronous read may block its caller.
        var reader = Task.Run(() =>
        {
            string? line;
            while ((line = p.StandardOutput.ReadLine()) is not null)
            {
                output.Enqueue(line);
                if (line.StartsWith("Playground: ", StringComparison.Ordinal)) ready.TrySetResult();
            }
            ready.TrySetResult();   // the end of the output
        });
        var stderr = Task.Run(p.StandardError.ReadToEnd);
        // Readiness: the line with the address (a guard of two minutes fails the test instead of hanging it).
        if (!await Tests.Cli.CompletesWithin(ready.Task, TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("no address line from the playground: " + string.Join(" | ", output));
        }
        if (p.HasExited) Assert.Fail($"the playground ended before it was ready: {string.Join(" | ", output)} / {await stderr}");
        CliProcess.Terminate(p);
        await CliProcess.WaitForExitAsync(p, "the playground after SIGTERM");
        await reader;
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("Playground stopped.", output);
        Assert.Equal("", await stderr);
    }
}
