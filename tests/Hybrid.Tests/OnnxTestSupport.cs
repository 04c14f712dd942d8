using FsCheck;
using FsCheck.Fluent;
using Microsoft.ML.OnnxRuntime;

namespace Hybrid.Tests;

/// <summary>ONNX Runtime as the independent reference, a relative-error measure, and the generated networks of the ONNX properties.</summary>
public static class OnnxTestSupport
{
    /// <summary>Runs an ONNX model in ONNX Runtime (CPU) on each batch with one session, in the model's precision.</summary>
    public static List<double[,]> Run(byte[] model, IEnumerable<double[,]> batches, OnnxPrecision precision, string input = OnnxModel.InputName, string output = OnnxModel.OutputName)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var run = new RunOptions();
        var results = new List<double[,]>();
        foreach (var x in batches)
        {
            int n = x.GetLength(0), d = x.GetLength(1);
            var flat = x.Cast<double>().ToArray();
            using var value = precision == OnnxPrecision.Double
                ? OrtValue.CreateTensorValueFromMemory(flat, [n, d])
                : OrtValue.CreateTensorValueFromMemory(flat.Select(v => (float)v).ToArray(), [n, d]);
            using var outputs = session.Run(run, [input], [value], [output]);
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            Assert.Equal(2, shape.Length);
            Assert.Equal(n, shape[0]);
            int m = (int)shape[1];
            double[] y = precision == OnnxPrecision.Double
                ? outputs[0].GetTensorDataAsSpan<double>().ToArray()
                : outputs[0].GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray();
            var r = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) r[i, j] = y[i * m + j];
            results.Add(r);
        }
        return results;
    }

    /// <summary>max |a − b| / max(max |a|, max |b|, floor) over the whole matrix: the relative error of COMMON.md's gradient checks, applied to outputs (floor 1e-300: purely relative).</summary>
    public static double RelativeError(double[,] a, double[,] b, double floor = 1e-300)
    {
        Assert.Equal(a.GetLength(0), b.GetLength(0));
        Assert.Equal(a.GetLength(1), b.GetLength(1));
        double diff = 0, scale = floor;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
            {
                diff = Math.Max(diff, Math.Abs(a[i, j] - b[i, j]));
                scale = Math.Max(scale, Math.Max(Math.Abs(a[i, j]), Math.Abs(b[i, j])));
            }
        return diff / scale;
    }

    /// <summary>A generated network and the batches to run it on.</summary>
    public sealed record NetCase(int Seed, string[] Layers, int[] BatchSizes)
    {
        public override string ToString() => $"seed {Seed}: {string.Join(" -> ", Layers)}, batches [{string.Join(", ", BatchSizes)}]";

        /// <summary>The network: widths, weights and hyper-parameters drawn from the seed; weights in [−1.5, 1.5], biases in [−1, 1].</summary>
        public Network Network()
        {
            var rng = new Random(Seed);
            double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
            double[,] Matrix(int r, int c) { var m = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = U(-1.5, 1.5); return m; }
            double[] Row(int c) => Enumerable.Range(0, c).Select(_ => U(-1, 1)).ToArray();
            int width = rng.Next(1, 6);
            var b = Hybrid.Network.Create(width);
            foreach (var layer in Layers)
            {
                int units = rng.Next(1, 6);
                switch (layer)
                {
                    case "Maxout":
                    {
                        int k = rng.Next(2, 4);
                        b = b.Maxout(Enumerable.Range(0, k).Select(_ => Matrix(width, units)).ToArray(), Enumerable.Range(0, k).Select(_ => Row(units)).ToArray());
                        width = units;
                        break;
                    }
                    case "Dropout":
                        b = b.Dropout(Math.Round(U(0, 0.9), 2));
                        break;
                    default:
                    {
                        var g = layer switch
                        {
                            "LeakyReLU" => Activation.LeakyReLU(U(0, 0.99)),
                            "PReLU" => Activation.PReLU(U(-1, 1)),
                            "ELU" => Activation.ELU(U(0, 2)),
                            "Softmax" when units == 1 => Activation.Softmax,
                            _ => typeof(Activation).GetProperty(layer)!.GetValue(null) as Activation ?? throw new InvalidOperationException(layer),
                        };
                        b = b.Dense(Matrix(width, units), Row(units), g);
                        width = units;
                        break;
                    }
                }
            }
            return b.Build();
        }

        /// <summary>The batches: BatchSizes rows each, entries in [−3, 3].</summary>
        public List<double[,]> Batches(int inputs)
        {
            var rng = new Random(Seed + 1);
            return BatchSizes.Select(n =>
            {
                var x = new double[n, inputs];
                for (int i = 0; i < n; i++) for (int j = 0; j < inputs; j++) x[i, j] = -3 + 6 * rng.NextDouble();
                return x;
            }).ToList();
        }
    }

    /// <summary>Every activation of the registry, so the generated networks reach each one.</summary>
    public static readonly string[] Activations = Activation.All.Select(a => a.Name).ToArray();

    /// <summary>1 to 3 layers, each dense (any activation), maxout or dropout, with at least one dense or maxout layer; batches of 1 row and of ragged sizes up to 40.</summary>
    public static Gen<NetCase> Cases =>
        from seed in Gen.Choose(0, int.MaxValue - 2)
        from layers in Gen.Choose(1, 3).SelectMany(n => Gen.Elements([.. Activations, .. Activations, "Maxout", "Maxout", "Dropout"]).ArrayOf(n))
        where layers.Any(l => l != "Dropout")
        from sizes in Gen.Choose(2, 40).ArrayOf(2)
        select new NetCase(seed, layers, [1, .. sizes]);
}

/// <summary>The arbitraries of the ONNX properties.</summary>
public static class OnnxArbitraries
{
    /// <summary>Generated networks and batches (no shrinking: a case prints its seed and layers).</summary>
    public static Arbitrary<OnnxTestSupport.NetCase> NetCases() => OnnxTestSupport.Cases.ToArbitrary();
}
