using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>
/// A small load test on loopback: 8 pages at once against a cap of 4 sessions, for a bounded time.
/// Half read their event stream slowly. The server refuses the extra pages (429) until a slot frees,
/// its memory stays bounded (a slow page costs at most one pending frame), and every session ends
/// cleanly when its page goes away.
/// </summary>
/// <remarks>
/// The heap it measures is the whole process's, so it runs alone: the collection below is not run in
/// parallel with any other test of the assembly (another test's allocations once left the heap 50 MB
/// above the baseline at the final check).
/// </remarks>
[Collection(PlaygroundLoadCollection.Name)]
public class PlaygroundLoadTests
{
    private const int Pages = 8;
    private const int Cap = 4;

    /// <summary>Bound on the growth of the live managed heap while the load runs (4 sessions of 400 rows, frames of ~100 KB: a few MB; the bound leaves room for the test's own HTTP clients).</summary>
    private const long HeapGrowthBound = 100L * 1024 * 1024;

    [Fact]
    public async Task Eight_pages_against_a_cap_of_four_stay_bounded_and_end_cleanly()
    {
        await using var server = await PlaygroundServer.StartAsync(0, new PlaygroundLimits { MaxSessions = Cap });
        var settings = new PlaygroundSettings { Points = 400, Layers = [new(16, "relu"), new(16, "relu")], BatchSize = 32 };
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                // The live heap (after a full collection), not the garbage between collections: what the server holds.
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(200);
            }
        });

        int refused = 0;
        var accepted = new ConcurrentBag<string>();
        var epochGaps = new ConcurrentBag<int>();
        var clock = Stopwatch.StartNew();
        var pages = Enumerable.Range(0, Pages).Select(page => Task.Run(async () =>
        {
            using var client = new PlaygroundClient(server.Url);
            bool slow = page % 2 == 1;
            // Knock until a slot frees (the first pages hold theirs for about 1 s), for at most 12 s.
            while (clock.Elapsed < TimeSpan.FromSeconds(12))
            {
                using var r = await client.CreateAsync(settings);
                if (r.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(100);
                    continue;
                }
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);
                var id = System.Text.Json.Nodes.JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
                accepted.Add(id);
                (await client.CommandAsync(id, "play")).EnsureSuccessStatusCode();
                int last = -1;
                var open = Stopwatch.StartNew();
                try
                {
                    // Listen for 1 s; a slow page sleeps 400 ms after each frame while the server trains on.
                    await client.ReadFramesAsync(id, frame =>
                    {
                        int epoch = frame["epoch"]!.GetValue<int>();
                        if (last >= 0 && slow) epochGaps.Add(epoch - last);
                        last = epoch;
                        return open.Elapsed > TimeSpan.FromSeconds(1);
                    }, TimeSpan.FromSeconds(20), slow ? TimeSpan.FromMilliseconds(400) : default);
                }
                catch (InvalidOperationException) { /* the stream ended: the session was ended by the server */ }
                return; // closing the stream ends the session
            }
            Assert.Fail($"page {page} never got a session");
        })).ToArray();
        await Task.WhenAll(pages);
        // A session leaves the list first, then its thread is awaited and it is counted as ended.
        await PlaygroundEndpointTests.WaitUntil(() => server.SessionCount == 0 && server.EndedSessions == Pages, TimeSpan.FromSeconds(15));
        stopSampling.Cancel();
        await sampler;

        Assert.Equal(Pages, accepted.Count);
        Assert.True(refused > 0, "8 pages against a cap of 4 should have met the cap");
        Assert.Equal(Pages, server.EndedSessions);
        Assert.Equal(0, server.FaultedSessions);
        // A slow page does not get every frame: the server drops the older frame, so epochs skip.
        Assert.Contains(epochGaps, gap => gap > 1);
        Assert.True(peak - baseline < HeapGrowthBound, $"the heap grew by {(peak - baseline) / 1e6:F0} MB");
        // Everything was released: back near the baseline once collected.
        Assert.True(GC.GetTotalMemory(true) - baseline < 50L * 1024 * 1024);
        Console.WriteLine($"load: {accepted.Count} sessions, {refused} refusals, heap peak +{(peak - baseline) / 1e6:F1} MB, {clock.Elapsed.TotalSeconds:F1} s");
    }
}

/// <summary>The load test's collection: xUnit runs it after the parallel collections, with nothing else running.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PlaygroundLoadCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Playground load (runs alone)";
}
