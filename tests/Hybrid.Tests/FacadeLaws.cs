using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Hybrid.Tests;

/// <summary>
/// A generated network case, valid by construction: an input width, a list of layers (dense with any
/// activation, maxout, dropout) and a batch size; every weight, bias and input value is drawn from
/// <see cref="Seed"/> when the case is built, so shrinking a dimension never leaves a stale weight.
/// </summary>
public sealed record NetworkCase(int Inputs, IReadOnlyList<LayerCase> Layers, int Rows, int Seed)
{
    /// <summary>The network this case describes, built through the public builder.</summary>
    public Network Build()
    {
        var random = new Random(Seed);
        double Draw(double r) => r * (2 * random.NextDouble() - 1);
        double[,] Matrix(int rows, int cols, double r)
        {
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i, j] = Draw(r);
            return m;
        }
        double[] Vector(int n, double r) => Enumerable.Range(0, n).Select(_ => Draw(r)).ToArray();

        var builder = Network.Create(Inputs);
        int width = Inputs;
        foreach (var layer in Layers)
        {
            switch (layer.Kind)
            {
                case CaseLayerKind.Dense:
                    builder = builder.Dense(Matrix(width, layer.Units, 1.0), Vector(layer.Units, 0.5), layer.Activation);
                    width = layer.Units;
                    break;
                case CaseLayerKind.Maxout:
                    builder = builder.Maxout(
                        Enumerable.Range(0, layer.Pieces).Select(_ => Matrix(width, layer.Units, 1.0)).ToArray(),
                        Enumerable.Range(0, layer.Pieces).Select(_ => Vector(layer.Units, 0.5)).ToArray());
                    width = layer.Units;
                    break;
                default:
                    builder = builder.Dropout(layer.Rate);
                    break;
            }
        }
        return builder.Build();
    }

    /// <summary><see cref="Rows"/> input rows of width <see cref="Inputs"/>, entries in [−2, 2].</summary>
    public double[][] Inputs2D()
    {
        var random = new Random(Seed ^ 0x5EED);
        return Enumerable.Range(0, Rows).Select(_ => Enumerable.Range(0, Inputs).Select(_ => 4 * random.NextDouble() - 2).ToArray()).ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Inputs} -> [{string.Join(", ", Layers)}], {Rows} rows, seed {Seed}";
}

/// <summary>A network case, a permutation of its rows and a split of the rows into consecutive chunks (sizes summing to the row count).</summary>
public sealed record RowsCase(NetworkCase Case, int[] Permutation, int[] ChunkSizes)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Case}; permutation [{string.Join(", ", Permutation)}]; chunks [{string.Join(", ", ChunkSizes)}]";
}

/// <summary>The kinds of layer a <see cref="NetworkCase"/> may hold.</summary>
public enum CaseLayerKind { Dense, Maxout, Dropout }

/// <summary>One generated layer: its kind, width, activation (dense), pieces (maxout) or rate (dropout).</summary>
public sealed record LayerCase(CaseLayerKind Kind, int Units, Activation Activation, int Pieces, double Rate)
{
    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        CaseLayerKind.Dense => $"Dense({Units}, {Activation})",
        CaseLayerKind.Maxout => $"Maxout({Units}, {Pieces})",
        _ => $"Dropout({Rate})",
    };
}

/// <summary>
/// The generators of the façade laws: registered with <c>[Property(Arbitrary = [typeof(FacadeArbitraries)])]</c>.
/// Shrinking goes dimensions first: fewer layers, narrower layers, fewer inputs, fewer rows.
/// </summary>
public static class FacadeArbitraries
{
    private static readonly Activation[] Activations =
    [
        Activation.Identity, Activation.BinaryStep, Activation.Sigmoid, Activation.Tanh, Activation.Arctan, Activation.ReLU,
        Activation.LeakyReLU(0.1), Activation.PReLU(0.25), Activation.ELU(0.7), Activation.SoftPlus, Activation.Softmax,
    ];

    private static Gen<LayerCase> Layer =>
        Gen.Frequency(
            (5, from units in Gen.Choose(1, 5) from activation in Gen.Elements(Activations) select new LayerCase(CaseLayerKind.Dense, units, activation, 0, 0)),
            (2, from units in Gen.Choose(1, 4) from pieces in Gen.Choose(2, 3) select new LayerCase(CaseLayerKind.Maxout, units, Activation.Identity, pieces, 0)),
            (1, from rate in Gen.Elements(0.0, 0.2, 0.5) select new LayerCase(CaseLayerKind.Dropout, 0, Activation.Identity, 0, rate)));

    /// <summary>Networks of 1..4 layers (at least one with weights) on 1..5 inputs, with 1..12 rows.</summary>
    public static Arbitrary<NetworkCase> NetworkCase() =>
        Arb.From(
            from inputs in Gen.Choose(1, 5)
            from depth in Gen.Choose(1, 4)
            from layers in Gen.ListOf(Layer, depth).Where(ls => ls.Any(l => l.Kind != CaseLayerKind.Dropout))
            from rows in Gen.Choose(1, 12)
            from seed in Gen.Choose(0, 1_000_000)
            select new NetworkCase(inputs, layers.ToArray(), rows, seed),
            Shrink);

    /// <summary>Smaller valid cases: drop a layer, narrow a layer, fewer inputs, fewer rows (the seed stays).</summary>
    public static IEnumerable<NetworkCase> Shrink(NetworkCase c)
    {
        for (int i = 0; i < c.Layers.Count; i++)
        {
            var fewer = c.Layers.Where((_, j) => j != i).ToArray();
            if (fewer.Any(l => l.Kind != CaseLayerKind.Dropout)) yield return c with { Layers = fewer };
        }
        for (int i = 0; i < c.Layers.Count; i++)
            if (c.Layers[i].Units > 1)
                yield return c with { Layers = c.Layers.Select((l, j) => j == i ? l with { Units = l.Units - 1 } : l).ToArray() };
        if (c.Inputs > 1) yield return c with { Inputs = c.Inputs - 1 };
        if (c.Rows > 1) yield return c with { Rows = c.Rows / 2 };
    }

    /// <summary>A network case with a permutation of its rows and a split of them into chunks.</summary>
    public static Arbitrary<RowsCase> RowsCase() =>
        Arb.From(
            from c in NetworkCase().Generator
            from permutation in Gen.Shuffle(Enumerable.Range(0, c.Rows))
            from cuts in Gen.SubListOf(Enumerable.Range(1, c.Rows - 1))
            select new RowsCase(c, permutation, ChunkSizes(cuts.Order().ToArray(), c.Rows)),
            t => Shrink(t.Case).Select(c => new RowsCase(c, Enumerable.Range(0, c.Rows).ToArray(), [c.Rows])));

    private static int[] ChunkSizes(int[] cuts, int rows) =>
        cuts.Append(rows).Select((cut, i) => cut - (i == 0 ? 0 : cuts[i - 1])).ToArray();
}

/// <summary>
/// Laws of the façade over generated networks, written as FsCheck.Xunit properties: each runs 100
/// generated cases (and shrinks a failure to a smallest network). They show how to property-test
/// code that uses the library.
/// </summary>
public sealed class FacadeLaws : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-laws-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void SameBits(double[][] expected, double[][] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
                if (BitConverter.DoubleToInt64Bits(expected[i][j]) != BitConverter.DoubleToInt64Bits(actual[i][j]))
                    Assert.Fail($"{what}: ({i}, {j}) is {actual[i][j]:R}, expected {expected[i][j]:R}");
        }
    }

    [Property(Arbitrary = [typeof(FacadeArbitraries)])]
    public void Save_then_Load_round_trips_a_generated_network_bit_for_bit(NetworkCase c)
    {
        var net = c.Build();
        var path = Path.Combine(_dir, "model.json");
        net.Save(path);
        var loaded = Network.Load(path);
        var x = c.Inputs2D();
        SameBits(net.Predict(x), loaded.Predict(x), "prediction after Load");
        Assert.Equal(net.ToJson(), loaded.ToJson());
        Assert.Equal(net.ParameterCount, loaded.ParameterCount);
        SameBits(net.Predict(x), Network.FromJson(net.ToJson()).Predict(x), "prediction after FromJson");
    }

    /// <summary>A finite double of any magnitude from random bits (subnormals, −0.0 and the largest included), or a few fixed extremes.</summary>
    private static double AnyFinite(Random random)
    {
        switch (random.Next(8))
        {
            case 0: return -0.0;
            case 1: return double.Epsilon;
            case 2: return double.MaxValue;
            case 3: return -double.MaxValue;
            default:
                while (true)
                {
                    double v = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
                    if (double.IsFinite(v)) return v;
                }
        }
    }

    private static Hybrid.Core.UpdateRule AnyRule(Random random) => random.Next(6) switch
    {
        0 => Hybrid.Core.Interop.Factories.PlainSgd(),
        1 => Hybrid.Core.Interop.Factories.Momentum(random.NextDouble()),
        2 => Hybrid.Core.Interop.Factories.Nesterov(random.NextDouble()),
        3 => Hybrid.Core.Interop.Factories.AdaGrad(random.NextDouble() + double.Epsilon),
        4 => Hybrid.Core.Interop.Factories.RmsProp(random.NextDouble(), random.NextDouble() + double.Epsilon),
        _ => Hybrid.Core.Interop.Factories.Adam(random.NextDouble(), random.NextDouble(), random.NextDouble() + double.Epsilon),
    };

    private static long[] Bits(IEnumerable<MathNet.Numerics.LinearAlgebra.Matrix<double>> ms) =>
        ms.SelectMany(m => m.ToRowMajorArray()).Select(BitConverter.DoubleToInt64Bits).ToArray();

    /// <summary>
    /// A checkpoint of a generated network with a generated state (any rule, moments of any finite
    /// value, a best value and first loss that may be NaN or infinite) saves, loads to the same bits in
    /// every field, and saves again to the same bytes.
    /// </summary>
    [Property(Arbitrary = [typeof(FacadeArbitraries)])]
    public void A_checkpoint_of_a_generated_state_loads_to_the_same_bits_and_saves_to_the_same_bytes(NetworkCase c)
    {
        var net = c.Build();
        var random = new Random(c.Seed ^ 0x0C4E);
        var core = net.Model;
        var parameters = Hybrid.Core.Interop.Networks.Parameters(core);
        MathNet.Numerics.LinearAlgebra.Matrix<double>[] Draw(bool nonNegative) => Array.ConvertAll(parameters, p =>
            MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(p.RowCount, p.ColumnCount, (_, _) => nonNegative ? Math.Abs(AnyFinite(random)) : AnyFinite(random)));
        double Special() => random.Next(5) switch { 0 => double.NaN, 1 => double.PositiveInfinity, 2 => double.NegativeInfinity, _ => AnyFinite(random) };
        var rule = AnyRule(random);
        bool hasFirst = Hybrid.Core.Interop.Trainings.Moments(rule, out bool hasSecond);
        MathNet.Numerics.LinearAlgebra.Matrix<double>[] Zeros() => Array.ConvertAll(parameters, p => MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(p.RowCount, p.ColumnCount));
        int epochs = random.Next(0, 1000), bestEpoch = epochs == 0 ? 0 : random.Next(0, epochs + 1);
        var state = new TrainingState(Hybrid.Core.Interop.Trainings.StateOf(
            epochs, core, rule, random.Next(0, int.MaxValue), hasFirst ? Draw(false) : Zeros(), hasSecond ? Draw(true) : Zeros(),
            bestEpoch, bestEpoch > 0 ? AnyFinite(random) : double.NaN,
            bestEpoch > 0 && random.Next(2) == 0 ? Hybrid.Core.Interop.Trainings.WithParameters(core, Draw(false)) : null!,
            random.Next(0, epochs + 1), Special(), random.Next(2) == 0 ? double.NaN : random.NextDouble() + double.Epsilon));
        var path = Path.Combine(_dir, "state.json");
        state.Save(path);
        var loaded = TrainingState.Load(path);
        var (a, b) = (state.Core, loaded.Core);
        Assert.Equal(Hybrid.Core.Interop.Trainings.RuleOf(a), Hybrid.Core.Interop.Trainings.RuleOf(b));
        Assert.Equal(state.EpochsCompleted, loaded.EpochsCompleted);
        Assert.Equal(state.OptimizerSteps, loaded.OptimizerSteps);
        Assert.Equal(state.BestEpoch, loaded.BestEpoch);
        Assert.Equal(Hybrid.Core.Interop.Trainings.SinceBestOf(a), Hybrid.Core.Interop.Trainings.SinceBestOf(b));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Hybrid.Core.Interop.Trainings.BestValueOf(a)), BitConverter.DoubleToInt64Bits(Hybrid.Core.Interop.Trainings.BestValueOf(b)));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Hybrid.Core.Interop.Trainings.FirstLossOf(a)), BitConverter.DoubleToInt64Bits(Hybrid.Core.Interop.Trainings.FirstLossOf(b)));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Hybrid.Core.Interop.Trainings.BaseRateOf(a)), BitConverter.DoubleToInt64Bits(Hybrid.Core.Interop.Trainings.BaseRateOf(b)));
        Assert.Equal(Bits(parameters), Bits(Hybrid.Core.Interop.Networks.Parameters(loaded.Network.Model)));
        Assert.Equal(Bits(Hybrid.Core.Interop.Trainings.FirstMomentsOf(a)), Bits(Hybrid.Core.Interop.Trainings.FirstMomentsOf(b)));
        Assert.Equal(Bits(Hybrid.Core.Interop.Trainings.SecondMomentsOf(a)), Bits(Hybrid.Core.Interop.Trainings.SecondMomentsOf(b)));
        var bestA = Hybrid.Core.Interop.Trainings.BestNetworkOf(a);
        var bestB = Hybrid.Core.Interop.Trainings.BestNetworkOf(b);
        Assert.Equal(bestA is null, bestB is null);
        if (bestA is not null) Assert.Equal(Bits(Hybrid.Core.Interop.Networks.Parameters(bestA)), Bits(Hybrid.Core.Interop.Networks.Parameters(bestB!)));
        var again = Path.Combine(_dir, "again.json");
        loaded.Save(again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    [Property(Arbitrary = [typeof(FacadeArbitraries)])]
    public void Predictions_are_independent_of_row_order_and_of_batch_splitting(RowsCase t)
    {
        var (c, permutation, chunkSizes) = t;
        var net = c.Build();
        var x = c.Inputs2D();
        var all = net.Predict(x);

        // Row order: predicting permuted rows gives the permuted predictions, bit for bit.
        var permuted = net.Predict(permutation.Select(i => x[i]).ToArray());
        SameBits(permutation.Select(i => all[i]).ToArray(), permuted, "permuted rows");

        // Batch splitting: predicting the rows chunk by chunk gives the same rows, bit for bit.
        var chunked = new List<double[]>();
        int start = 0;
        foreach (var size in chunkSizes)
        {
            chunked.AddRange(net.Predict(x[start..(start + size)]));
            start += size;
        }
        Assert.Equal(x.Length, start);
        SameBits(all, chunked.ToArray(), $"chunks of {string.Join("+", chunkSizes)} rows");
    }
}
