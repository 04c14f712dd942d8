using ScottPlot;

namespace Hybrid.Cli.Reporting;

/// <summary>
/// The report's pictures, drawn with ScottPlot 5 into PNG bytes (headless: SkiaSharp). Each
/// method only draws what it is given: every number comes from the façade.
/// </summary>
public static class Charts
{
    private const int Width = 560, Height = 360;

    private static byte[] Png(Plot plot, int width = Width, int height = Height)
    {
        plot.Font.Set("DejaVu Sans");
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>Line chart of one or more series (e.g. training and validation loss by epoch).</summary>
    /// <param name="id">The chart's identifier.</param>
    /// <param name="title">The caption.</param>
    /// <param name="xLabel">The x axis.</param>
    /// <param name="yLabel">The y axis.</param>
    /// <param name="series">The lines.</param>
    /// <param name="logY">Draw log10 of y (the series keep their raw values).</param>
    public static Chart Lines(string id, string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logY = false)
    {
        var plot = new Plot();
        foreach (var s in series)
        {
            var ys = logY ? s.Y.Select(v => v > 0 ? Math.Log10(v) : double.NaN).ToArray() : s.Y.ToArray();
            var line = plot.Add.Scatter(s.X.ToArray(), ys);
            line.LegendText = s.Name;
            line.LineWidth = 2;
            line.MarkerSize = s.X.Count <= 60 ? 4 : 0;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"log10 {yLabel}" : yLabel);
        if (series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
        return new Chart(id, title, Png(plot), series);
    }

    /// <summary>The confusion matrix as a heat map: row = true class, column = predicted class, with the counts written in the cells.</summary>
    /// <param name="id">The chart's identifier.</param>
    /// <param name="title">The caption.</param>
    /// <param name="confusion">Counts, classes×classes.</param>
    /// <param name="classNames">One name per class.</param>
    public static Chart Confusion(string id, string title, int[,] confusion, IReadOnlyList<string> classNames)
    {
        int k = confusion.GetLength(0);
        var values = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                values[i, j] = confusion[i, j];
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        // Cell (i, j) spans [j − ½, j + ½] × [k − 1 − i − ½, k − 1 − i + ½], centred on its ticks and its
        // count: ScottPlot's default extent [0, k] × [0, k] with its cells centred on their points
        // (CellAlignment MiddleCenter). Heat-map row 0 is drawn at the top: true class i at y = k − 1 − i.
        // (Position would name the first and last cells' centres, not the map's edges.)
        map.CellAlignment = Alignment.MiddleCenter;
        plot.Add.ColorBar(map);
        double max = values.Cast<double>().DefaultIfEmpty(0).Max();
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                var text = plot.Add.Text(confusion[i, j].ToString(System.Globalization.CultureInfo.InvariantCulture), j, k - 1 - i);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = k <= 12 ? 14 : 9;
                text.LabelFontColor = values[i, j] > max / 2 ? Colors.Black : Colors.White;
            }
        var ticks = Enumerable.Range(0, k).Select(i => (double)i).ToArray();
        var labels = classNames.Take(k).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, labels);
        plot.Axes.Left.SetTicks(ticks, labels.Reverse().ToArray());
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        plot.Title(title);
        var series = Enumerable.Range(0, k).Select(i => new Series(labels[i], ticks, Enumerable.Range(0, k).Select(j => values[i, j]).ToArray())).ToArray();
        return new Chart(id, title, Png(plot, 620, 540), series);
    }

    /// <summary>A decision boundary: the predicted class over a grid as a heat map, and the points coloured by their true class.</summary>
    /// <param name="id">The chart's identifier.</param>
    /// <param name="title">The caption.</param>
    /// <param name="xs">Grid x coordinates (columns).</param>
    /// <param name="ys">Grid y coordinates (rows).</param>
    /// <param name="gridClass">Predicted class at (ys[i], xs[j]).</param>
    /// <param name="points">The data points (two features each).</param>
    /// <param name="labels">The true class of each point.</param>
    /// <param name="classNames">One name per class.</param>
    public static Chart DecisionBoundary(string id, string title, double[] xs, double[] ys, int[,] gridClass, double[][] points, int[] labels, IReadOnlyList<string> classNames)
    {
        var plot = new Plot();
        int rows = ys.Length, cols = xs.Length;
        var values = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                values[rows - 1 - i, j] = gridClass[i, j]; // heat map row 0 is drawn at the top
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Turbo();
        map.ManualRange = new ScottPlot.Range(0, Math.Max(1, classNames.Count - 1));
        map.Opacity = 0.35;
        double dx = cols > 1 ? (xs[^1] - xs[0]) / (cols - 1) : 1, dy = rows > 1 ? (ys[^1] - ys[0]) / (rows - 1) : 1;
        map.Position = new CoordinateRect(xs[0] - dx / 2, xs[^1] + dx / 2, ys[0] - dy / 2, ys[^1] + dy / 2);
        var colormap = new ScottPlot.Colormaps.Turbo();
        var series = new List<Series>();
        for (int c = 0; c < classNames.Count; c++)
        {
            var idx = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
            if (idx.Length == 0) continue;
            var px = idx.Select(i => points[i][0]).ToArray();
            var py = idx.Select(i => points[i][1]).ToArray();
            var dots = plot.Add.ScatterPoints(px, py);
            dots.Color = colormap.GetColor(classNames.Count == 1 ? 0 : (double)c / (classNames.Count - 1));
            dots.MarkerSize = points.Length > 400 ? 4 : 7;
            dots.MarkerLineColor = Colors.Black;
            dots.MarkerShape = MarkerShape.FilledCircle;
            dots.LegendText = classNames[c];
            series.Add(new Series(classNames[c], px, py));
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.SetLimits(xs[0], xs[^1], ys[0], ys[^1]);
        plot.XLabel("x1");
        plot.YLabel("x2");
        plot.Title(title);
        return new Chart(id, title, Png(plot, 600, 560), series);
    }

    /// <summary>A histogram drawn as bars from given bin edges and counts.</summary>
    /// <param name="id">The chart's identifier.</param>
    /// <param name="title">The caption.</param>
    /// <param name="edges">Bin edges, one more than the counts.</param>
    /// <param name="counts">Counts per bin.</param>
    /// <param name="xLabel">The x axis.</param>
    public static Chart Histogram(string id, string title, IReadOnlyList<double> edges, IReadOnlyList<double> counts, string xLabel)
    {
        var plot = new Plot();
        var centres = Enumerable.Range(0, counts.Count).Select(i => (edges[i] + edges[i + 1]) / 2).ToArray();
        var bars = plot.Add.Bars(centres, counts.ToArray());
        foreach (var (bar, i) in bars.Bars.Select((b, i) => (b, i)))
        {
            bar.Size = (edges[i + 1] - edges[i]) * 0.95;
            bar.LineWidth = 0;
        }
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("count");
        return new Chart(id, title, Png(plot, 360, 240), [new Series("counts", centres, counts.ToArray())]);
    }
}
