using System.Globalization;
using Hybrid.Cli.Playground;
using Microsoft.Playwright;
using SkiaSharp;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>One playground server and one headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) shared by the browser tests.</summary>
public sealed class PlaygroundBrowser : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    /// <summary>The running server.</summary>
    public PlaygroundServer Server { get; private set; } = null!;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IPage, string> _sessionIds = new();

    /// <summary>The session the page listens to now (the one of its latest event stream).</summary>
    internal Session SessionOf(IPage page) =>
        Server.Sessions.Find(_sessionIds[page]) ?? throw new InvalidOperationException("the page's session has ended");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (apt-get install chromium).");
        Server = await PlaygroundServer.StartAsync(0);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A new page on the playground, recording console errors, page errors and any request that leaves the server.</summary>
    public async Task<(IPage Page, List<string> Problems)> OpenAsync()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") problems.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        page.Request += (_, r) =>
        {
            var events = System.Text.RegularExpressions.Regex.Match(r.Url, "/api/sessions/([0-9a-f]+)/events$");
            if (events.Success) _sessionIds[page] = events.Groups[1].Value;
        };
        page.Request += (_, r) => { if (!r.Url.StartsWith(Server.Url.AbsoluteUri, StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal)) problems.Add("request elsewhere: " + r.Url); };
        await page.GotoAsync(Server.Url.AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        await page.WaitForSelectorAsync("body[data-epoch='0']");
        return (page, problems);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>The playground page in a real headless Chromium: it loads cleanly, trains the spiral, pauses, shows bad settings, checks gradients, copies C#, loads presets.</summary>
public class PlaygroundBrowserTests(PlaygroundBrowser browser) : IClassFixture<PlaygroundBrowser>
{
    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private static double Number(string? s) => double.Parse(s!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_page_loads_with_no_console_errors_and_draws_the_untrained_boundary()
    {
        var (page, problems) = await browser.OpenAsync();
        Assert.Equal("spiral", await page.InputValueAsync("#dataset"));
        Assert.Equal(2, await page.Locator("#layers .layer").CountAsync());
        Assert.Contains("epoch 0", await page.TextContentAsync("#status"));
        Assert.Contains("ReLU (S04)", await page.TextContentAsync("#explain"));
        Assert.Contains("Adam", await page.TextContentAsync("#explain"));
        Assert.Equal(3, await page.Locator("#layerStats .layerStat").CountAsync());
        using var shot = SKBitmap.Decode(await page.Locator("#boundary").ScreenshotAsync());
        Assert.True(Spread(shot) > 10, "the boundary canvas is blank");
        Assert.Empty(problems);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Training_the_spiral_lowers_the_loss_redraws_the_boundary_and_pause_holds_it()
    {
        var (page, problems) = await browser.OpenAsync();
        double before = Number(await page.GetAttributeAsync("body", "data-train-loss"));
        using var untrained = SKBitmap.Decode(await page.Locator("#boundary").ScreenshotAsync());

        await page.ClickAsync("#play");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.epoch) >= 60", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        double clicked = Number(await page.GetAttributeAsync("body", "data-epoch"));
        await page.ClickAsync("#pause");
        // Pause takes effect at the end of the current epoch: the session's thread then blocks until the next
        // command, and the page shows its last frame (the guards only fail a session or a page that never gets there).
        var session = browser.SessionOf(page);
        await Guard.Until(session.Pauses.WhenAsync(() => session.Idle, CancellationToken.None), Guard.Time, "the session to pause");
        int published = session.Published.Value;
        int paused = session.Current.Epoch;
        string epoch = paused.ToString(CultureInfo.InvariantCulture);
        await page.WaitForSelectorAsync($"body[data-epoch='{epoch}'][data-playing='false']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        string status = (await page.TextContentAsync("#status"))!;
        // Paused by the command, not stopped at the playground's epoch cap.
        Assert.True(paused >= clicked && paused < new PlaygroundLimits().MaxEpochs, $"paused at epoch {paused}: clicked at {clicked}, the cap is {new PlaygroundLimits().MaxEpochs}");
        Assert.DoesNotContain("Stopped", status);
        double after = Number(await page.GetAttributeAsync("body", "data-train-loss"));
        // Cross-entropy of 3 classes starts near ln 3 ≈ 1.1 (here 1.2 from He init); 60 epochs of Adam take it well below.
        Assert.True(after < 0.6 * before, $"training loss {before} → {after}");

        // The boundary was redrawn: a good share of its pixels changed, and it is far from blank.
        Directory.CreateDirectory(Shots);
        var boundaryPath = Path.Combine(Shots, "playground-boundary.png");
        using var trained = SKBitmap.Decode(await page.Locator("#boundary").ScreenshotAsync(new LocatorScreenshotOptions { Path = boundaryPath }));
        Assert.True(ChangedShare(untrained, trained) > 0.05, $"only {ChangedShare(untrained, trained):P1} of the boundary changed");
        Assert.True(Spread(trained) > 60, $"the trained boundary is nearly uniform (spread {Spread(trained):F1})");
        // Still paused after the screenshot: no frame published, the epoch and the status unchanged.
        Assert.Equal(published, session.Published.Value);
        Assert.Equal(epoch, await page.GetAttributeAsync("body", "data-epoch"));
        Assert.Equal(status, await page.TextContentAsync("#status"));

        // The gradient-check panel for the picture: one line per parameter matrix (a ReLU network's
        // errors depend on whether ±h crosses a kink, so the threshold is asserted on a smooth network below).
        await page.ClickAsync("#gradcheck");
        await page.WaitForSelectorAsync("#gradcheckResult table");
        Assert.Equal(6, await page.Locator("#gradcheckResult td.err").CountAsync());

        var pagePath = Path.Combine(Shots, "playground.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = pagePath, FullPage = true });
        CopyToDocs(pagePath);
        Assert.Empty(problems);
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_gradient_check_panel_shows_every_error_below_the_threshold_for_a_tanh_network()
    {
        var (page, problems) = await browser.OpenAsync();
        await page.SelectOptionAsync("#layers .layer:nth-child(1) .activation", "tanh");
        await page.SelectOptionAsync("#layers .layer:nth-child(2) .activation", "tanh");
        await page.SelectOptionAsync("#init", "xavier"); // change events restart the session (debounced, 250 ms)
        // On a loaded machine the three changes can restart the session more than once: go on only when the page
        // explains the final settings (both layers tanh, so no ReLU left, and the Xavier initialiser).
        await page.WaitForFunctionAsync("() => { const t = document.getElementById('explain').textContent; " +
                                        "return document.body.dataset.epoch === '0' && t.includes('tanh') && !t.includes('ReLU') && t.includes('Xavier'); }");
        for (int i = 1; i <= 3; i++)
        {
            await page.ClickAsync("#step");
            await page.WaitForSelectorAsync($"body[data-epoch='{i}']");
        }
        await page.ClickAsync("#gradcheck");
        await page.WaitForSelectorAsync("#gradcheckResult table");
        var errors = await page.Locator("#gradcheckResult td.err").EvaluateAllAsync<double[]>("cells => cells.map(c => Number(c.dataset.error))");
        Assert.Equal(6, errors.Length);
        // Smooth (tanh, softmax): central differences agree with backprop to about 1e-7; the panel's pass mark is 1e-4.
        Assert.All(errors, e => Assert.InRange(e, 0, 1e-4));
        Assert.Equal(6, await page.Locator("#gradcheckResult td.pass").CountAsync());
        Assert.Contains("epoch 3", await page.TextContentAsync("#gradcheckResult"));
        Assert.Empty(problems);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Choosing_single_precision_trains_in_float32_and_Copy_as_CSharp_says_so()
    {
        var (page, problems) = await browser.OpenAsync();
        Assert.Equal(["double", "single"], await page.Locator("#precision option").AllTextContentsAsync());
        Assert.Equal("double", await page.InputValueAsync("#precision"));
        // A change restarts the session (debounced): wait for the new session's answer, then for its first frame.
        await page.RunAndWaitForResponseAsync(() => page.SelectOptionAsync("#precision", "single"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/api/sessions", StringComparison.Ordinal) && (r.Request.PostData ?? "").Contains("\"precision\":\"single\"", StringComparison.Ordinal));
        await page.WaitForSelectorAsync("body[data-epoch='0']");
        for (int i = 1; i <= 3; i++)
        {
            await page.ClickAsync("#step");
            await page.WaitForSelectorAsync($"body[data-epoch='{i}']");
        }
        await page.ClickAsync("#copy");
        await page.WaitForFunctionAsync("() => document.getElementById('code').value.includes('Epochs = 3,')");
        Assert.Contains("Precision = Precision.Single", await page.InputValueAsync("#code"));
        // The session's network holds float32 weights widened to float64.
        var weights = browser.SessionOf(page).Current.Network.GetParameters().SelectMany(p => p.Values.Cast<double>());
        Assert.All(weights, w => Assert.Equal(w, (double)(float)w));
        Assert.Empty(problems);
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_bad_setting_shows_the_servers_message_on_the_page()
    {
        var (page, _) = await browser.OpenAsync();
        Assert.True(await page.Locator("#error").IsHiddenAsync());
        await page.FillAsync("#points", "-5");
        await page.DispatchEventAsync("#points", "change");
        await page.WaitForSelectorAsync("#error:not([hidden])");
        Assert.Equal("points: -5 is outside [20, 2000].", await page.TextContentAsync("#error"));
        await page.FillAsync("#points", "200");
        await page.DispatchEventAsync("#points", "change");
        await page.WaitForSelectorAsync("#error[hidden]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await page.CloseAsync();
    }

    [Fact]
    public async Task Copy_as_CSharp_shows_the_facade_code_and_a_preset_loads_its_settings()
    {
        var (page, _) = await browser.OpenAsync();
        await page.ClickAsync("#step");
        await page.WaitForSelectorAsync("body[data-epoch='1']");
        await page.ClickAsync("#copy");
        await page.WaitForFunctionAsync("() => document.getElementById('code').value.includes('Epochs = 1,')");
        var code = await page.InputValueAsync("#code");
        Assert.Contains("DataSets.Spiral(300, 0.1, 1)", code);
        Assert.Contains(".Dense(16, Activation.ReLU)", code);
        Assert.Contains("Optimizer.Adam(0.01)", code);

        await page.ClickAsync("button[data-preset='s01-xor']");
        await page.WaitForFunctionAsync("() => document.body.dataset.epoch === '0' && document.getElementById('dataset').value === 'xor'");
        Assert.Equal(0, await page.Locator("#layers .layer").CountAsync());
        Assert.Contains("no straight line", await page.TextContentAsync("#lesson"));
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_run_of_200_epochs_is_one_smooth_run_through_a_change_of_pace_and_its_gradients_check()
    {
        var (page, problems) = await browser.OpenAsync();
        // The page's defaults: the spiral, two ReLU layers of 16, Adam at the default rate. Its gradient check
        // leaves out the entries whose ±h step crosses a ReLU kink and compares gradients below 1e-6 absolutely
        // (GradientCheckReport.Floor): with both, every epoch from 150 to 300 of this run passes (measured).
        var settings = new PlaygroundSettings();
        await page.WaitForFunctionAsync("() => document.body.dataset.epoch === '0'");
        Assert.Equal("20", await page.InputValueAsync("#pace"));
        Assert.Equal("20 epochs/s", await page.TextContentAsync("#paceShown"));

        // Max pace to go quickly, then 50 epochs/s so that Pause lands a few epochs after 200 (unthrottled, a frame
        // every 120 ms is 100 epochs or more apart). The pace changes while playing: the run must go on, not restart.
        await page.RunAndWaitForResponseAsync(() => page.SelectOptionAsync("#pace", "0"), r => r.Url.Contains("/pace?epochsPerSecond=max", StringComparison.Ordinal));
        await page.ClickAsync("#play");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.epoch) >= 1");
        await page.RunAndWaitForResponseAsync(() => page.SelectOptionAsync("#pace", "50"), r => r.Url.Contains("/pace?epochsPerSecond=50", StringComparison.Ordinal));
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.epoch) >= 200", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        Assert.Contains("▶ training at 50 epochs/s", await page.TextContentAsync("#status"));
        await page.ClickAsync("#pause");
        var session = browser.SessionOf(page);
        await Guard.Until(session.Pauses.WhenAsync(() => session.Idle, CancellationToken.None), Guard.Time, "the session to pause");
        int paused = session.Current.Epoch;
        await page.WaitForSelectorAsync($"body[data-epoch='{paused}'][data-playing='false']");
        Assert.InRange(paused, 200, 260);

        // The page's loss curve: every epoch so far (fewer than 400 points are never thinned).
        var epochs = System.Text.Json.JsonSerializer.Deserialize<int[]>((await page.GetAttributeAsync("#loss", "data-epochs"))!)!;
        var loss = System.Text.Json.JsonSerializer.Deserialize<double[]>((await page.GetAttributeAsync("#loss", "data-train-loss"))!)!;
        Assert.Equal(Enumerable.Range(0, paused + 1), epochs);
        // Smooth: over the first 200 epochs Adam (η = 0.01, batches of 16) moves the loss by a few percent an epoch;
        // its largest rise there is 1.27× (measured, epoch 159; the loss at 200 is 0.13 of the start), so 1.5× marks a
        // jump no epoch of this run makes. Later,
        // minibatch noise alone makes rises of 2–2.6× (epochs 224, 391), so the bound is asserted on epochs 0–200 only.
        for (int k = 0; k < 200; k++)
            Assert.True(loss[k + 1] <= 1.5 * loss[k], $"the training loss jumps from {loss[k]} at epoch {k} to {loss[k + 1]} at epoch {k + 1}");
        Assert.True(loss[200] < 0.3 * loss[0], $"training loss {loss[0]} → {loss[200]} after 200 epochs");
        // One run: every point equals one uninterrupted Trainer.Fit of the same settings, bit for bit (through the JSON
        // and the page's numbers: both write the shortest text that reads back the same double). An optimiser restarted
        // at any epoch (a Fit per epoch, a pace change that rebuilt the run) changes every point after it.
        var reference = LongRun.Curve(settings, paused);
        for (int k = 0; k <= paused; k++)
            Assert.True(reference[k] == loss[k], $"epoch {k}: the page shows the training loss {loss[k]:R}, one uninterrupted Fit gives {reference[k]:R}");

        // The gradient check after training (S26): backprop agrees with central differences on every matrix.
        await page.ClickAsync("#gradcheck");
        await page.WaitForSelectorAsync("#gradcheckResult table");
        var errors = await page.Locator("#gradcheckResult td.err").EvaluateAllAsync<double[]>("cells => cells.map(c => Number(c.dataset.error))");
        Assert.Equal(6, errors.Length);
        Assert.All(errors, e => Assert.InRange(e, 0, GradientCheckReport.DefaultThreshold));
        Assert.Equal(6, await page.Locator("#gradcheckResult td.pass").CountAsync());
        Assert.Contains($"epoch {paused}", await page.TextContentAsync("#gradcheckResult"));
        Assert.Empty(problems);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Reaching_the_epoch_cap_is_said_on_the_page()
    {
        await using var server = await PlaygroundServer.StartAsync(0, new PlaygroundLimits { MaxEpochs = 25 });
        var page = await browser.Browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") problems.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        await page.GotoAsync(server.Url.AbsoluteUri);
        await page.WaitForSelectorAsync("body[data-epoch='0']");
        Assert.True(await page.Locator("#notice").IsHiddenAsync());
        Assert.Contains("of at most 25", await page.TextContentAsync("#status"));
        await page.RunAndWaitForResponseAsync(() => page.SelectOptionAsync("#pace", "0"), r => r.Url.Contains("/pace?", StringComparison.Ordinal));
        await page.ClickAsync("#play");
        await page.WaitForSelectorAsync("body[data-cap-reached='true'][data-playing='false'][data-epoch='25']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.True(await page.Locator("#notice").IsVisibleAsync());
        Assert.Equal("Stopped at the playground's cap of 25 epochs: press Reset to train again.", await page.TextContentAsync("#notice"));
        Assert.Contains("epoch 25 of at most 25 ❚❚ paused", await page.TextContentAsync("#status"));
        await page.ClickAsync("#reset");
        await page.WaitForSelectorAsync("body[data-cap-reached='false'][data-epoch='0']");
        Assert.True(await page.Locator("#notice").IsHiddenAsync());
        Assert.Empty(problems);
        await page.CloseAsync();
    }

    /// <summary>The pixels' colour spread: √(var R + var G + var B) over a sample (0 for a uniform picture).</summary>
    internal static double Spread(SKBitmap b)
    {
        var pixels = new List<SKColor>();
        for (int y = 0; y < b.Height; y += 3)
            for (int x = 0; x < b.Width; x += 3)
                pixels.Add(b.GetPixel(x, y));
        static double Variance(IEnumerable<double> v) { var a = v.ToArray(); double m = a.Average(); return a.Average(x => (x - m) * (x - m)); }
        return Math.Sqrt(Variance(pixels.Select(c => (double)c.Red)) + Variance(pixels.Select(c => (double)c.Green)) + Variance(pixels.Select(c => (double)c.Blue)));
    }

    private static double ChangedShare(SKBitmap a, SKBitmap b)
    {
        int changed = 0, total = 0;
        for (int y = 0; y < Math.Min(a.Height, b.Height); y += 2)
            for (int x = 0; x < Math.Min(a.Width, b.Width); x += 2)
            {
                var p = a.GetPixel(x, y);
                var q = b.GetPixel(x, y);
                total++;
                if (Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue) > 30) changed++;
            }
        return changed / (double)total;
    }

    /// <summary>
    /// Refreshes the docs' screenshot (docs/images/playground.png in the checkout this test runs
    /// from) when HYBRID_UPDATE_DOC_IMAGES=1, so an ordinary test run leaves the working tree clean;
    /// the file in the test output (screenshots/) is written on every run and is CI's artifact.
    /// </summary>
    private static void CopyToDocs(string path)
    {
        if (Environment.GetEnvironmentVariable("HYBRID_UPDATE_DOC_IMAGES") != "1") return;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hybrid.sln"))) dir = dir.Parent;
        if (dir is null) return; // not run from a checkout: the file in the test output is the artifact
        var images = Path.Combine(dir.FullName, "docs", "images");
        Directory.CreateDirectory(images);
        File.Copy(path, Path.Combine(images, "playground.png"), overwrite: true);
    }
}
