namespace Hybrid.Cli.Reporting;

/// <summary>The charts of a training run: loss and accuracy curves, the decision boundary of a 2-D data set.</summary>
public static class TrainingReport
{
    /// <summary>Adds the loss and accuracy curves (training and, if present, validation) by epoch.</summary>
    public static void AddCurves(HtmlReport report, IReadOnlyList<EpochReport> history)
    {
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var loss = new List<Series> { new("training loss", epochs, history.Select(h => h.TrainingLoss).ToArray()) };
        var accuracy = new List<Series> { new("training accuracy", epochs, history.Select(h => h.TrainingAccuracy).ToArray()) };
        if (history.Count > 0 && history[0].ValidationLoss is not null)
        {
            loss.Add(new("validation loss", epochs, history.Select(h => h.ValidationLoss ?? double.NaN).ToArray()));
            accuracy.Add(new("validation accuracy", epochs, history.Select(h => h.ValidationAccuracy ?? double.NaN).ToArray()));
        }
        report.Heading("Learning curves").Add(
            Charts.Lines("loss", "Loss by epoch", "epoch", "loss", loss),
            Charts.Lines("accuracy", "Accuracy by epoch", "epoch", "accuracy", accuracy));
    }

    /// <summary>The network's predicted class over a grid covering the points (with a 10% margin), and the points.</summary>
    /// <param name="network">The trained network (it sees preprocessed rows).</param>
    /// <param name="preprocessor">The fitted preprocessing: the grid is drawn in raw coordinates and transformed before prediction.</param>
    /// <param name="points">The raw data points (two features).</param>
    /// <param name="labels">Their classes.</param>
    /// <param name="classNames">One name per class.</param>
    /// <param name="resolution">Grid cells per axis.</param>
    public static Chart Boundary(Network network, Hybrid.Data.Preprocessor preprocessor, double[][] points, int[] labels, IReadOnlyList<string> classNames, int resolution = 120)
    {
        double Min(int c) => points.Min(r => r[c]);
        double Max(int c) => points.Max(r => r[c]);
        double[] Axis(int c)
        {
            double lo = Min(c), hi = Max(c), pad = Math.Max(1e-9, (hi - lo) * 0.1);
            return Enumerable.Range(0, resolution).Select(i => lo - pad + (hi - lo + 2 * pad) * i / (resolution - 1)).ToArray();
        }
        var xs = Axis(0);
        var ys = Axis(1);
        var grid = ys.SelectMany(y => xs.Select(x => new[] { x, y })).ToArray();
        var classes = network.PredictClasses(preprocessor.Transform(grid));
        var cells = new int[ys.Length, xs.Length];
        for (int i = 0; i < ys.Length; i++)
            for (int j = 0; j < xs.Length; j++)
                cells[i, j] = classes[i * xs.Length + j];
        return Charts.DecisionBoundary("boundary", "Decision boundary and data points", xs, ys, cells, points, labels, classNames);
    }
}
