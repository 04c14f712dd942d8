using Hybrid.Core.Interop;
using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Data;

/// <summary>
/// Data sets built into the library: real sets embedded in the assembly (digits, iris, the MNIST
/// test set; attribution in docs/data.md), the logic gates, and seeded 2-D generators for
/// decision-boundary pictures. Every call returns a new <see cref="DataSet"/>.
/// </summary>
public static class DataSets
{
    /// <summary>The names <see cref="ByName(string)"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(new[] { "digits", "iris", "mnist-test", "and", "or", "nand", "xor", "spiral", "moons", "circles", "blobs" });

    /// <summary>A built-in set by name (case-insensitive): "digits", "iris", "mnist-test", a gate ("and", "or", "nand", "xor"), or a generator ("spiral", "moons", "circles", "blobs") with 300 rows, noise 0.1 (blobs 0.3) and seed 0.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ArgumentException">An unknown name (the message lists the known ones).</exception>
    public static DataSet ByName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "digits" => Digits(),
            "iris" => Iris(),
            "mnist-test" or "mnist" => MnistTest(),
            "and" or "or" or "nand" or "xor" => LogicGate(name),
            "spiral" => Spiral(300, 0.1, 0),
            "moons" => Moons(300, 0.1, 0),
            "circles" => Circles(300, 0.1, 0),
            "blobs" => Blobs(300, 0.3, 0),
            _ => throw new ArgumentException($"Unknown data set \"{name}\": the built-in sets are {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>The UCI optical handwritten digits: 1,797 images of 8×8 pixels, scaled from 0..16 to [0, 1] (÷16), classes "0".."9", features "pixel_r_c".</summary>
    /// <returns>1,797 rows × 64 features, 10 classes.</returns>
    public static DataSet Digits()
    {
        using var text = new StreamReader(new GZipStream(Resource("digits.csv.gz"), CompressionMode.Decompress));
        var raw = CsvLoader.Read(text, "digits", "digits.csv.gz", new CsvOptions { Header = CsvHeader.Absent });
        var featureNames = Enumerable.Range(0, 64).Select(j => $"pixel_{j / 8}_{j % 8}").ToArray();
        return DataSet.Labelled("digits", raw.FeatureMatrix / 16.0, raw.GetLabels(), Enumerable.Range(0, 10).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray(), featureNames);
    }

    /// <summary>Fisher's iris: 150 flowers, 4 measurements in cm (unscaled), classes "setosa", "versicolor", "virginica" (50 each).</summary>
    /// <returns>150 rows × 4 features, 3 classes.</returns>
    public static DataSet Iris()
    {
        using var text = new StreamReader(Resource("iris.csv"));
        // The first line is "150,4,setosa,versicolor,virginica" (count, features, class names), not a header.
        var first = (text.ReadLine() ?? throw new InvalidDataException("iris.csv is empty.")).Split(',');
        var raw = CsvLoader.Read(text, "iris", "iris.csv", new CsvOptions { Header = CsvHeader.Absent });
        string[] featureNames = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];
        return DataSet.Labelled("iris", raw.FeatureMatrix, raw.GetLabels(), first[2..], featureNames);
    }

    /// <summary>The MNIST test set: 10,000 images of 28×28 pixels scaled from 0..255 to [0, 1], classes "0".."9".</summary>
    /// <returns>10,000 rows × 784 features, 10 classes.</returns>
    public static DataSet MnistTest()
    {
        using var images = Resource("t10k-images-idx3-ubyte.gz");
        using var labels = Resource("t10k-labels-idx1-ubyte.gz");
        return IdxLoader.Read(images, "t10k-images-idx3-ubyte.gz", labels, "t10k-labels-idx1-ubyte.gz", "mnist-test");
    }

    /// <summary>The truth table of a two-input logic gate (S01): inputs [0,0], [0,1], [1,0], [1,1] and the output as class 0 or 1.</summary>
    /// <param name="gate">"and", "or", "nand" or "xor" (case-insensitive).</param>
    /// <returns>4 rows × 2 features, classes "0" and "1".</returns>
    /// <exception cref="ArgumentException">An unknown gate.</exception>
    public static DataSet LogicGate(string gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        var (x, y) = Pair(DataSources.LogicGate(gate));
        return DataSet.Labelled(gate.ToLowerInvariant(), x, y, ["0", "1"], ["x1", "x2"]);
    }

    /// <summary>Spirals (cs231n): class c's j-th of m points at radius r = j/(m−1) and angle 4c + 4r (radians), plus Gaussian noise.</summary>
    /// <param name="count">Total rows n, split evenly over the classes (at least 2 per class).</param>
    /// <param name="noise">Standard deviation of the Gaussian noise added to x and y, ≥ 0.</param>
    /// <param name="seed">The seed of the noise.</param>
    /// <param name="classes">The number of arms, ≥ 2 (default 3).</param>
    /// <returns>n rows × 2 features ("x", "y").</returns>
    /// <exception cref="ArgumentException">A count, noise or class count out of range.</exception>
    public static DataSet Spiral(int count, double noise, int seed, int classes = 3) =>
        TwoD("spiral", Pair(DataSources.Spiral(count, noise, seed, classes)));

    /// <summary>Two interleaving half circles (as scikit-learn's make_moons), plus Gaussian noise.</summary>
    /// <param name="count">Total rows n ≥ 4 (class 0 gets ⌈n/2⌉).</param>
    /// <param name="noise">Standard deviation of the noise, ≥ 0.</param>
    /// <param name="seed">The seed of the noise.</param>
    /// <returns>n rows × 2 features, 2 classes.</returns>
    /// <exception cref="ArgumentException">A count or noise out of range.</exception>
    public static DataSet Moons(int count, double noise, int seed) => TwoD("moons", Pair(DataSources.Moons(count, noise, seed)));

    /// <summary>Two concentric circles (as scikit-learn's make_circles): class 0 on radius 1, class 1 on radius <paramref name="factor"/>, plus Gaussian noise.</summary>
    /// <param name="count">Total rows n ≥ 4 (class 0 gets ⌈n/2⌉).</param>
    /// <param name="noise">Standard deviation of the noise, ≥ 0.</param>
    /// <param name="seed">The seed of the noise.</param>
    /// <param name="factor">The inner radius, in (0, 1) (default 0.5).</param>
    /// <returns>n rows × 2 features, 2 classes.</returns>
    /// <exception cref="ArgumentException">A count, noise or factor out of range.</exception>
    public static DataSet Circles(int count, double noise, int seed, double factor = 0.5) =>
        TwoD("circles", Pair(DataSources.Circles(count, noise, seed, factor)));

    /// <summary>Gaussian blobs: class c of k centred at (cos 2πc/k, sin 2πc/k), each point its centre plus Gaussian noise.</summary>
    /// <param name="count">Total rows n ≥ k, split evenly over the classes.</param>
    /// <param name="noise">The blobs' standard deviation, ≥ 0.</param>
    /// <param name="seed">The seed of the noise.</param>
    /// <param name="classes">The number of blobs k ≥ 2 (default 3).</param>
    /// <returns>n rows × 2 features, k classes.</returns>
    /// <exception cref="ArgumentException">A count, noise or class count out of range.</exception>
    public static DataSet Blobs(int count, double noise, int seed, int classes = 3) =>
        TwoD("blobs", Pair(DataSources.Blobs(count, noise, seed, classes)));

    private static DataSet TwoD(string name, (Matrix<double> X, int[] Y) data) =>
        DataSet.Labelled(name, data.X, data.Y, Enumerable.Range(0, data.Y.Max() + 1).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray(), ["x", "y"]);

    private static Stream Resource(string name) =>
        typeof(DataSets).Assembly.GetManifestResourceStream("Hybrid.Data." + name)
        ?? throw new InvalidOperationException($"The built-in data file {name} is not embedded in {typeof(DataSets).Assembly.GetName().Name}.");

    private static (MathNet.Numerics.LinearAlgebra.Matrix<double> X, int[] Labels) Pair(LabelledPoints p) => (p.X, p.Labels);
}
