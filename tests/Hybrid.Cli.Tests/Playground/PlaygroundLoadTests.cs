using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>
/// A small load test on loopback: 8 pages at once against a cap of 4 sessions. Half read their
/// event stream slowly. The server refuses the extra pages (429) until a slot frees, its memory
/// stays bounded (a slow page costs at most one pending frame: the older frame is dropped), and
/// every session ends cleanly when its page goes away. Every step waits for an event (all pages
/// have knocked, a slot freed, the server dropped a frame), not for a time.
/// </summary>
[Collection(PlaygroundLoadTests.Alone)]
public class PlaygroundLoadTests
{
    /// <summary>
    /// Runs with no other test beside it: the heap it measures is the whole process's, and a slow page
    /// waits until its socket buffers are full (some seconds), long enough for other tests' allocations to count.
    /// </summary>
    public const string Alone = "playground load, alone";

    private const int Pages = 8;
    private const int Cap = 4;
    private const int FramesPerFastPage = 4;

    /// <summary>Bound on the growth of the live managed heap while the load runs (4 sessions of 400 rows, frames of ~100 KB: a few MB; the bound leaves room for the test's own HTTP clients).</summary>
    private const long HeapGrowthBound = 100L * 1024 * 1024;

    /// <summary>A failure guard only (a hung test fails instead of hanging), not a claim about speed.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

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
                // The pause is the sampling period, not synchronisation: the bound below holds for any sample.
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(200);
            }
        });

        int refused = 0;
        int knocked = 0;
        // Sessions hold their slot until every page has knocked once, so the cap is met whatever the scheduling.
        var allKnocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = new ConcurrentBag<string>();
        var skipped = new ConcurrentBag<int>();
        var clock = Stopwatch.StartNew();
        using var guard = new CancellationTokenSource(Guard);
        var pages = Enumerable.Range(0, Pages).Select(page => Task.Run(async () =>
        {
            bool slow = page % 2 == 1;
            using var client = new PlaygroundClient(server.Url, receiveBuffer: slow ? 4096 : 0);
            bool first = true;
            while (!guard.IsCancellationRequested)
            {
                using var r = await client.CreateAsync(settings);
                if (first && Interlocked.Increment(ref knocked) == Pages) allKnocked.SetResult();
                first = false;
                if (r.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref refused);
                    // Knock again once a slot has freed.
                    await PlaygroundEndpointTests.WaitUntil(() => server.SessionCount < Cap, Guard);
                    continue;
                }
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);
                var id = System.Text.Json.Nodes.JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
                accepted.Add(id);
                await allKnocked.Task.WaitAsync(guard.Token);
                var session = server.Sessions.Find(id)!;
                (await client.CommandAsync(id, "play")).EnsureSuccessStatusCode();
                var epochs = new List<int>();
                int droppedEpoch = -1;
                try
                {
                    // A fast page reads a few frames. A slow page, after its first frame, reads nothing more until the
                    // server has dropped a later frame for it, then reads on past that frame.
                    await client.ReadFramesAsync(id, frame =>
                    {
                        epochs.Add(frame["epoch"]!.GetValue<int>());
                        return slow ? droppedEpoch >= 0 && epochs[^1] > droppedEpoch : epochs.Count >= FramesPerFastPage;
                    }, Guard, slow ? async frame =>
                    {
                        if (droppedEpoch >= 0) return;
                        int read = frame["epoch"]!.GetValue<int>();
                        await PlaygroundEndpointTests.WaitUntil(() => session.LastDroppedEpoch > read, Guard);
                        droppedEpoch = session.LastDroppedEpoch;
                    } : null);
                }
                catch (InvalidOperationException) { /* the stream ended: the session was ended by the server */ }
                if (slow)
                {
                    // The dropped epoch never reached the page: it saw the epoch before it, then one after it.
                    Assert.DoesNotContain(droppedEpoch, epochs);
                    var pair = epochs.Zip(epochs.Skip(1)).Single(p => p.First < droppedEpoch && droppedEpoch < p.Second);
                    skipped.Add(pair.Second - pair.First);
                }
                return; // closing the stream ends the session
            }
            Assert.Fail($"page {page} never got a session");
        })).ToArray();
        await Task.WhenAll(pages);
        // A session leaves the list first, then its thread is awaited and it is counted as ended.
        await PlaygroundEndpointTests.WaitUntil(() => server.SessionCount == 0 && server.EndedSessions == Pages, Guard);
        stopSampling.Cancel();
        await sampler;

        Assert.Equal(Pages, accepted.Count);
        // Every page knocked once while the first four held their slots: at least four refusals.
        Assert.True(refused >= Pages - Cap, $"{refused} refusals: 8 pages against a cap of 4 should have met the cap");
        Assert.Equal(Pages, server.EndedSessions);
        Assert.Equal(0, server.FaultedSessions);
        // A slow page does not get every frame: the server drops the older frame, so epochs skip.
        Assert.Equal(Pages / 2, skipped.Count);
        Assert.All(skipped, gap => Assert.True(gap > 1, $"gap {gap}"));
        Assert.True(peak - baseline < HeapGrowthBound, $"the heap grew by {(peak - baseline) / 1e6:F0} MB");
        // Everything was released: back near the baseline once collected.
        Assert.True(GC.GetTotalMemory(true) - baseline < 50L * 1024 * 1024);
        Console.WriteLine($"load: {accepted.Count} sessions, {refused} refusals, heap peak +{(peak - baseline) / 1e6:F1} MB, {clock.Elapsed.TotalSeconds:F1} s");
    }
}

/// <summary>The collection of <see cref="PlaygroundLoadTests"/>: not run in parallel with any other test.</summary>
[CollectionDefinition(PlaygroundLoadTests.Alone, DisableParallelization = true)]
public sealed class PlaygroundLoadCollection;
