using Microsoft.Playwright;
using SkiaSharp;

namespace Hybrid.Cli.Tests;

/// <summary>
/// The report opened in a real headless Chromium (Debian's /usr/bin/chromium, driven by
/// Playwright): it renders with no console errors, and every chart is present, loaded and
/// non-blank in a screenshot.
/// </summary>
public class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_report_renders_in_headless_chromium_with_every_chart_visible_and_no_console_errors()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (apt-get install chromium).");
        var dir = Cli.TempFolder();
        // A 2-D set, so the report holds every kind of chart: curves, confusion matrix, decision boundary.
        var r = Cli.Run("train", "--data", "moons", "--layers", "8", "--epochs", "15", "--learning-rate", "0.01", "--output", dir);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        var reportPath = Path.Combine(dir, "report.html");
        var file = new ReportFile(reportPath);
        var expected = file.Figures.Keys.Order().ToArray();
        var expectedPng = expected.ToDictionary(id => "chart-" + id, file.Png);
        Assert.Equal(["accuracy", "boundary", "confusion", "loss"], expected);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.RequestFailed += (_, request) => problems.Add("request failed: " + request.Url);
        page.Request += (_, request) => { if (!request.Url.StartsWith("file:") && !request.Url.StartsWith("data:")) problems.Add("network request: " + request.Url); };
        await page.GotoAsync(new Uri(reportPath).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        var figures = await page.QuerySelectorAllAsync("figure.chart");
        Assert.Equal(expected.Length, figures.Count);
        var shotFolder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shotFolder, "report.png"), FullPage = true });
        foreach (var figure in figures)
        {
            var id = await figure.GetAttributeAsync("id");
            var img = await figure.QuerySelectorAsync("img");
            Assert.NotNull(img);
            // Decoded by the browser: an image that failed to load has naturalWidth 0.
            Assert.True(await img.EvaluateAsync<int>("i => i.complete ? i.naturalWidth : 0") > 100, $"{id} did not load");
            await img.ScrollIntoViewIfNeededAsync();
            var png = await img.ScreenshotAsync(new ElementHandleScreenshotOptions { Path = Path.Combine(shotFolder, id + ".png") });
            using var bitmap = SKBitmap.Decode(png);
            Assert.True(bitmap.Width > 100 && bitmap.Height > 100, $"{id}: {bitmap.Width}×{bitmap.Height}");
            // Non-blank: a good share of pixels differ from the background (white), in every
            // horizontal quarter of the picture (a half-drawn image fails), with many colours.
            var colours = new HashSet<uint>();
            var bandInk = new int[4];
            var bandCount = new int[4];
            for (int y = 0; y < bitmap.Height; y += 2)
                for (int x = 0; x < bitmap.Width; x += 2)
                {
                    var c = bitmap.GetPixel(x, y);
                    int band = Math.Min(3, 4 * y / bitmap.Height);
                    bandCount[band]++;
                    if (c.Red < 240 || c.Green < 240 || c.Blue < 240) bandInk[band]++;
                    colours.Add((uint)c);
                }
            double share = bandInk.Sum() / (double)bandCount.Sum();
            Assert.True(share > 0.02, $"{id}: only {share:P1} of the pixels are not white");
            for (int b = 0; b < 4; b++)
                Assert.True(bandInk[b] > 0.005 * bandCount[b], $"{id}: quarter {b + 1} of the picture is blank ({bandInk[b]} of {bandCount[b]} pixels)");
            Assert.True(colours.Count > 20, $"{id}: only {colours.Count} colours");
            // The browser drew the whole picture: its natural size is the embedded PNG's.
            using var embedded = SKBitmap.Decode(expectedPng[id!]);
            Assert.Equal(embedded.Width, await img.EvaluateAsync<int>("i => i.naturalWidth"));
            Assert.Equal(embedded.Height, await img.EvaluateAsync<int>("i => i.naturalHeight"));
        }
        Assert.Empty(problems);
    }
}
