using Hybrid.Cli.Reporting;
using SkiaSharp;

namespace Hybrid.Cli.Tests;

/// <summary>
/// The confusion heat map as a reader sees it: read from the PNG the report embeds, each cell is
/// centred on its tick label (and so on its count, written at the tick) and every cell, the edge
/// ones included, has the same size.
/// </summary>
public class ConfusionChartTests
{
    /// <summary>A k×k confusion matrix whose neighbouring cells have far-apart counts (a checkerboard of high and low, each count different), so their colours differ clearly.</summary>
    private static int[,] Checkerboard(int k)
    {
        var counts = new int[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                counts[i, j] = ((i + j) % 2 == 0 ? 2 * k * k : 0) + i * k + j;
        return counts;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    public void Each_confusion_cell_is_centred_on_its_ticks_and_all_cells_are_the_same_size(int k)
    {
        var names = Enumerable.Range(0, k).Select(i => ((char)('a' + i)).ToString()).ToArray();
        var chart = Charts.Confusion("confusion", "Confusion matrix", Checkerboard(k), names);
        using var image = SKBitmap.Decode(chart.Png);
        var frame = Frame(image);
        // The tick marks stick out of the frame: below its bottom edge, left of its left edge.
        var xTicks = DarkRuns(x => image.GetPixel(x, frame.Bottom + 2), frame.Left + 1, frame.Right - 1);
        var yTicks = DarkRuns(y => image.GetPixel(frame.Left - 2, y), frame.Top + 1, frame.Bottom - 1);
        Assert.True(xTicks.Count == k && yTicks.Count == k, $"ticks found: x {string.Join(", ", xTicks)}; y {string.Join(", ", yTicks)}");
        // Scan through a middle row and a middle column of cells, 3/8 of a cell off the counts' text.
        int m = (k - 1) / 2;
        int y = (int)Math.Round(yTicks[m] + 3 * (yTicks[m + 1] - yTicks[m]) / 8);
        int x = (int)Math.Round(xTicks[m] + 3 * (xTicks[m + 1] - xTicks[m]) / 8);
        var columnEdges = ColourChanges(i => image.GetPixel(i, y), frame.Left + 1, frame.Right - 1);
        var rowEdges = ColourChanges(i => image.GetPixel(x, i), frame.Top + 1, frame.Bottom - 1);
        ExpectCells("columns (along a middle row)", xTicks, columnEdges, frame.Left, frame.Right);
        ExpectCells("rows (down a middle column)", yTicks, rowEdges, frame.Top, frame.Bottom);
    }

    /// <summary>The boundaries fall halfway between consecutive ticks, and each of the k cells, edge cells included, is (frame size)/k wide.</summary>
    private static void ExpectCells(string what, IReadOnlyList<double> ticks, IReadOnlyList<double> edges, int start, int end)
    {
        string seen = $"{what}: frame {start}..{end}, ticks {string.Join(", ", ticks.Select(t => t.ToString("F1")))}, colour changes {string.Join(", ", edges.Select(e => e.ToString("F1")))}";
        Assert.True(edges.Count == ticks.Count - 1, seen);
        for (int j = 0; j < edges.Count; j++)
            Assert.True(Math.Abs(edges[j] - (ticks[j] + ticks[j + 1]) / 2) <= 2, $"boundary {j} is not halfway between its ticks; {seen}");
        var bounds = new[] { (double)start }.Concat(edges).Append(end).ToArray();
        double cell = (double)(end - start) / ticks.Count;
        for (int j = 0; j < ticks.Count; j++)
            Assert.True(Math.Abs(bounds[j + 1] - bounds[j] - cell) <= 3, $"cell {j} is {bounds[j + 1] - bounds[j]:F1} px, not {cell:F1}; {seen}");
    }

    /// <summary>The plot's frame: the first and last rows holding a dark run longer than a third of the image, and that run's ends.</summary>
    private static (int Left, int Right, int Top, int Bottom) Frame(SKBitmap image)
    {
        var lines = new List<(int Y, int Start, int End)>();
        for (int y = 0; y < image.Height; y++)
        {
            int run = 0;
            for (int x = 0; x < image.Width; x++)
            {
                run = IsDark(image.GetPixel(x, y)) ? run + 1 : 0;
                if (run > image.Width / 3 && (x + 1 == image.Width || !IsDark(image.GetPixel(x + 1, y))))
                    lines.Add((y, x - run + 1, x));
            }
        }
        Assert.True(lines.Count >= 2, "no frame found");
        return (lines[^1].Start, lines[^1].End, lines[0].Y, lines[^1].Y);
    }

    private static bool IsDark(SKColor c) => c.Red < 60 && c.Green < 60 && c.Blue < 60;

    /// <summary>The centres of the runs of dark pixels from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static List<double> DarkRuns(Func<int, SKColor> pixel, int from, int to)
    {
        var centres = new List<double>();
        int? start = null;
        for (int i = from; i <= to + 1; i++)
        {
            bool dark = i <= to && IsDark(pixel(i));
            if (dark && start is null) start = i;
            if (!dark && start is int s) { centres.Add((s + i - 1) / 2.0); start = null; }
        }
        return centres;
    }

    /// <summary>Where the colour changes from one pixel to the next (a change spread over neighbouring pixels by anti-aliasing counts once, at its middle).</summary>
    private static List<double> ColourChanges(Func<int, SKColor> pixel, int from, int to)
    {
        static double Distance(SKColor a, SKColor b) =>
            Math.Sqrt(Math.Pow(a.Red - b.Red, 2) + Math.Pow(a.Green - b.Green, 2) + Math.Pow(a.Blue - b.Blue, 2));
        var steps = Enumerable.Range(from + 1, to - from).Where(i => Distance(pixel(i - 1), pixel(i)) > 30).Select(i => i - 0.5).ToList();
        var changes = new List<List<double>>();
        foreach (var s in steps)
            if (changes.Count > 0 && s - changes[^1][^1] <= 2) changes[^1].Add(s);
            else changes.Add([s]);
        return changes.Select(c => c.Average()).ToList();
    }
}
