using System.Globalization;

namespace Hybrid.Cli.Playground;

/// <summary>Turns the current network into what the page draws. All numbers come from façade calls (Predict, ComputeGradients); only the drawing summaries (histogram, norm) are computed here.</summary>
internal static class FrameBuilder
{
    private const int Bins = 24;

    /// <summary>The points in their original coordinates.</summary>
    public static PointSet Points(Experiment run) =>
        new(Rows(run.RawTrain), run.RawTest is null ? [] : Rows(run.RawTest), run.ClassCount);

    private static double[][] Rows(Hybrid.Data.DataSet set)
    {
        var x = set.GetFeatures();
        var y = set.GetLabels();
        return x.Select((r, i) => new[] { r[0], r[1], y[i] }).ToArray();
    }

    /// <summary>The grid's extent: the points' bounding box with a 10% margin.</summary>
    public static (double XMin, double XMax, double YMin, double YMax) Extent(Experiment run)
    {
        var all = run.RawTrain.GetFeatures().Concat(run.RawTest?.GetFeatures() ?? []).ToArray();
        double x0 = all.Min(r => r[0]), x1 = all.Max(r => r[0]), y0 = all.Min(r => r[1]), y1 = all.Max(r => r[1]);
        double mx = Math.Max(0.1 * (x1 - x0), 0.1), my = Math.Max(0.1 * (y1 - y0), 0.1);
        return (x0 - mx, x1 + mx, y0 - my, y1 + my);
    }

    /// <summary>The predicted class and its output on every grid cell's centre.</summary>
    public static Boundary Boundary(Experiment run, Network network, int size)
    {
        var (x0, x1, y0, y1) = Extent(run);
        var grid = new double[size * size][];
        for (int row = 0; row < size; row++)
            for (int col = 0; col < size; col++)
                grid[row * size + col] = [x0 + (col + 0.5) * (x1 - x0) / size, y1 - (row + 0.5) * (y1 - y0) / size];
        var input = run.Preprocessor is null ? grid : run.Preprocessor.Transform(grid);
        var outputs = network.Predict(input);
        var classes = new int[outputs.Length];
        var confidence = new double[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            int best = 0;
            for (int c = 1; c < o.Length; c++) if (o[c] > o[best]) best = c;
            classes[i] = best;
            // Softmax outputs are probabilities; scores (hinge) are shown by their margin over the runner-up, capped at 1.
            double second = o.Where((_, c) => c != best).DefaultIfEmpty(double.NegativeInfinity).Max();
            confidence[i] = run.Settings.Output.StartsWith("softmax", StringComparison.Ordinal) ? o[best] : Math.Clamp(0.5 + (o[best] - second) / 2, 0.5, 1);
        }
        return new Boundary(size, x0, x1, y0, y1, classes, confidence);
    }

    /// <summary>Per hidden and output layer: the distribution of its activations on the training rows (a network of the first layers, built from the weights, predicts them) and the norm of its weight gradient.</summary>
    public static LayerView[] Layers(Experiment run, Network network)
    {
        var x = run.Train.Features;
        var gradients = network.ComputeGradients(run.Loss, x, run.Train.Targets, run.Settings.L2).Gradients;
        var views = new List<LayerView>();
        var prefix = Network.Create(network.InputCount);
        var layers = network.Layers;
        for (int l = 0; l < layers.Count; l++)
        {
            var info = layers[l];
            if (info.Kind != LayerKind.Dense) continue; // dropout is off when predicting
            prefix = prefix.Dense(network.GetWeights(l), network.GetBiases(l), info.Activation!);
            var a = prefix.Build().Predict(run.Train.GetFeatures()).SelectMany(r => r).ToArray();
            var w = gradients.First(g => g.Name == $"layer {l} W").Values;
            double sumSquares = 0;
            foreach (var v in w) sumSquares += v * v;
            views.Add(Summary(string.Create(CultureInfo.InvariantCulture, $"layer {l} ({info.Units} {info.Activation!.Name})"), a, Math.Sqrt(sumSquares)));
        }
        return [.. views];
    }

    private static LayerView Summary(string name, double[] a, double gradientNorm)
    {
        double mean = a.Average();
        double std = Math.Sqrt(a.Sum(v => (v - mean) * (v - mean)) / a.Length);
        double min = a.Min(), max = a.Max();
        var counts = new int[Bins];
        double width = max - min;
        foreach (var v in a)
            counts[width > 0 ? Math.Min(Bins - 1, (int)((v - min) / width * Bins)) : Bins / 2]++;
        return new LayerView(name, mean, std, min, max, counts, gradientNorm);
    }
}
