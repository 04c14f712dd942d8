using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>
/// A small load test on loopback: 8 pages at once against a cap of 4 sessions. Half read their event
/// stream slowly. The server refuses the extra pages (429) until a slot frees, a slow page costs at
/// most one pending frame (the server drops the older one: the page never sees it), its memory stays
/// bounded, and every session ends cleanly when its page goes away. Every step waits for an event
/// (all pages have knocked, a session ended, the server dropped a frame), not for a time.
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
    private const int FramesPerFastPage = 4;

    /// <summary>Bound on the growth of the live managed heap while the load runs (4 sessions of 400 rows, frames of ~100 KB: a few MB; the bound leaves room for the test's own HTTP clients).</summary>
    private const long HeapGrowthBound = 100L * 1024 * 1024;

    /// <summary>A guard on each wait (a bug fails the test instead of hanging it), not a claim about speed.</summary>
    private static readonly TimeSpan GuardTime = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Eight_pages_against_a_cap_of_four_stay_bounded_and_end_cleanly()
    {
        // The sessions train until their page goes away: no epoch cap and no reaper stop them first, so the
        // frames a slow page leaves unread keep coming until the server has to drop one.
        await using var server = await PlaygroundServer.StartAsync(0, new PlaygroundLimits
        {
            MaxSessions = Cap, MaxEpochs = int.MaxValue, IdleTimeout = TimeSpan.FromHours(1),
        });
        var registry = server.Sessions;
        var settings = new PlaygroundSettings { Points = 400, Layers = [new(16, "relu"), new(16, "relu")], BatchSize = 32, Pace = PlaygroundSettings.MaxPace };
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        // The live heap (after a full collection), not the garbage between collections: what the server holds.
        // Sampled when the server holds the most for a page: a fast page amid its frames, a slow page once a frame was dropped for it.
        void Sample()
        {
            long now = GC.GetTotalMemory(forceFullCollection: true);
            for (long seen = Volatile.Read(ref peak); now > seen; seen = Volatile.Read(ref peak))
                if (Interlocked.CompareExchange(ref peak, now, seen) == seen) break;
        }

        int refused = 0, knocked = 0;
        // Sessions hold their slot until every page has knocked once, so the cap is met whatever the scheduling.
        var allKnocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = new ConcurrentBag<string>();
        var skips = new ConcurrentBag<(int Before, int Dropped, int After)>();
        var clock = Stopwatch.StartNew(); // reported only
        var pages = Enumerable.Range(0, Pages).Select(page => Task.Run(async () =>
        {
            bool slow = page % 2 == 1;
            using var client = new PlaygroundClient(server.Url, receiveBuffer: slow ? 4096 : 0);
            bool first = true;
            while (true)
            {
                // Counted before knocking: a session that ends after a refusal completes the wait below.
                int ended = registry.Ended;
                using var r = await client.CreateAsync(settings);
                if (first && Interlocked.Increment(ref knocked) == Pages) allKnocked.SetResult();
                first = false;
                if (r.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref refused);
                    // Knock again once a session has ended (a slot freed; another page may take it first: then knock again).
                    await Guard.Until(registry.EndedSessions.AtLeastAsync(ended + 1, CancellationToken.None), GuardTime, $"page {page}, refused: another session to end");
                    continue;
                }
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);
                var id = System.Text.Json.Nodes.JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
                accepted.Add(id);
                await Guard.Until(allKnocked.Task, GuardTime, $"page {page}: every page to knock once");
                var session = registry.Find(id)!;
                (await client.CommandAsync(id, "play")).EnsureSuccessStatusCode();
                var epochs = new List<int>();
                int dropped = -1;
                // A fast page reads a few frames. A slow page, after its first frame, reads nothing more until the
                // server has dropped a later frame for it (its connection fills, the stream's writer blocks, the
                // next frames replace one another in the channel of one), then reads on past that frame.
                await client.ReadFramesAsync(id, frame =>
                {
                    epochs.Add(frame["epoch"]!.GetValue<int>());
                    if (!slow && epochs.Count == FramesPerFastPage) Sample();
                    return slow ? dropped >= 0 && epochs[^1] > dropped : epochs.Count >= FramesPerFastPage;
                }, GuardTime + TimeSpan.FromSeconds(10), slow ? async frame =>
                {
                    if (dropped >= 0) return;
                    int read = frame["epoch"]!.GetValue<int>();
                    await Guard.Until(session.DroppedFrames.WhenAsync(() => session.LastDroppedEpoch > read, CancellationToken.None), GuardTime,
                                      () => $"page {page}, not reading after epoch {read}: the server to drop a later frame ({session.Published.Value} published, {session.DroppedFrames.Value} dropped)");
                    dropped = session.LastDroppedEpoch;
                    Sample();
                } : null);
                if (slow)
                {
                    // The dropped frame never reached the page: it saw an epoch before it, then one after it.
                    Assert.DoesNotContain(dropped, epochs);
                    skips.Add((epochs.Last(e => e < dropped), dropped, epochs.First(e => e > dropped)));
                }
                return; // closing the stream ends the session
            }
        })).ToArray();
        await Task.WhenAll(pages);
        // A session leaves the list first, then its thread is awaited and it is counted as ended.
        await Guard.Until(registry.EndedSessions.AtLeastAsync(Pages, CancellationToken.None), GuardTime, "every session to end once its page closed its stream");
        Sample();

        Assert.Equal(Pages, accepted.Count);
        Assert.Equal(0, server.SessionCount);
        // Every page knocked once while the first four held their slots: at least four refusals.
        Assert.True(refused >= Pages - Cap, $"{refused} refusals: 8 pages against a cap of 4 should have met the cap");
        Assert.Equal(Pages, server.EndedSessions);
        Assert.Equal(0, server.FaultedSessions);
        // Every slow page skipped a frame the server dropped for it.
        Assert.Equal(Pages / 2, skips.Count);
        Assert.True(peak - baseline < HeapGrowthBound, $"the heap grew by {(peak - baseline) / 1e6:F0} MB");
        // Everything was released: back near the baseline once collected.
        Assert.True(GC.GetTotalMemory(true) - baseline < 50L * 1024 * 1024);
        Console.WriteLine($"load: {accepted.Count} sessions, {refused} refusals, skips {string.Join(", ", skips.Select(s => $"{s.Before}→({s.Dropped})→{s.After}"))}, "
                          + $"heap peak +{(peak - baseline) / 1e6:F1} MB, {clock.Elapsed.TotalSeconds:F1} s");
    }
}

/// <summary>The load test's collection: xUnit runs it after the parallel collections, with nothing else running.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PlaygroundLoadCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Playground load (runs alone)";
}
