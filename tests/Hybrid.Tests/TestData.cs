using System.IO.Compression;
using System.Reflection;

namespace Hybrid.Tests;

/// <summary>Data sets used by the tests: XOR and the UCI digits (docs/data.md), embedded in this assembly.</summary>
public static class TestData
{
    /// <summary>The four XOR inputs.</summary>
    public static double[][] XorInputs => [[0, 0], [0, 1], [1, 0], [1, 1]];

    /// <summary>The XOR labels.</summary>
    public static int[] XorLabels => [0, 1, 1, 0];

    private static readonly Lazy<(double[][] X, int[] Y)> Digits = new(LoadDigits);

    /// <summary>1,797 digits: 64 pixels scaled from 0..16 to 0..1, and the label 0..9.</summary>
    public static (double[][] X, int[] Y) AllDigits => Digits.Value;

    private static (double[][] X, int[] Y) LoadDigits()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("digits.csv.gz")
                           ?? throw new InvalidOperationException("digits.csv.gz is not embedded.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var xs = new List<double[]>();
        var ys = new List<int>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            var parts = line.Split(',');
            xs.Add(parts.Take(64).Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture) / 16.0).ToArray());
            ys.Add(int.Parse(parts[64], System.Globalization.CultureInfo.InvariantCulture));
        }
        return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>A seeded 80/20 split of the digits into training and held-out test rows.</summary>
    public static (double[][] XTrain, int[] YTrain, double[][] XTest, int[] YTest) DigitsSplit(int seed = 42)
    {
        var (x, y) = AllDigits;
        var order = Enumerable.Range(0, x.Length).ToArray();
        new Random(seed).Shuffle(order);
        int test = x.Length / 5;
        var testIdx = order.Take(test).ToArray();
        var trainIdx = order.Skip(test).ToArray();
        return (trainIdx.Select(i => x[i]).ToArray(), trainIdx.Select(i => y[i]).ToArray(),
                testIdx.Select(i => x[i]).ToArray(), testIdx.Select(i => y[i]).ToArray());
    }
}
