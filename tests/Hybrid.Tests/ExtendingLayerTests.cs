using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Tests;

// Users' own layers (docs/extending.md): each written as a user might, with the slips the laws must catch.

/// <summary>An affine layer A = X·W + 1·b, written out: dW = Xᵀ·dA, db = column sums of dA, dX = dA·Wᵀ.</summary>
public sealed class Affine : ILayerFunction
{
    public int OutputWidth(int inputWidth, IReadOnlyList<Matrix<double>> p) =>
        p[0].RowCount == inputWidth && p[1].RowCount == 1 && p[1].ColumnCount == p[0].ColumnCount
            ? p[0].ColumnCount
            : throw new ArgumentException($"W must have {inputWidth} rows and b one row of W's width.");

    public Matrix<double> Forward(Matrix<double> x, IReadOnlyList<Matrix<double>> p)
    {
        var a = x * p[0];
        for (int i = 0; i < a.RowCount; i++) a.SetRow(i, a.Row(i) + p[1].Row(0));
        return a;
    }

    public LayerGradients Backward(Matrix<double> x, Matrix<double> a, IReadOnlyList<Matrix<double>> p, Matrix<double> dA) =>
        new([x.Transpose() * dA, Matrix<double>.Build.DenseOfRowVectors(dA.ColumnSums())], dA * p[0].Transpose());
}

/// <summary>The slip: db summed over the wrong axis (one value per example instead of per unit).</summary>
public sealed class AffineBiasWrongAxis : ILayerFunction
{
    private readonly Affine _affine = new();
    public int OutputWidth(int inputWidth, IReadOnlyList<Matrix<double>> p) => _affine.OutputWidth(inputWidth, p);
    public Matrix<double> Forward(Matrix<double> x, IReadOnlyList<Matrix<double>> p) => _affine.Forward(x, p);
    public LayerGradients Backward(Matrix<double> x, Matrix<double> a, IReadOnlyList<Matrix<double>> p, Matrix<double> dA) =>
        new([x.Transpose() * dA, Matrix<double>.Build.DenseOfRowVectors(dA.RowSums())], dA * p[0].Transpose());
}

/// <summary>A scaled affine layer A = (X·W) ⊙ s + 1·b with a learned scale s per unit: dX = (dA ⊙ s)·Wᵀ.</summary>
public class ScaledAffine : ILayerFunction
{
    public int OutputWidth(int inputWidth, IReadOnlyList<Matrix<double>> p) => p[0].ColumnCount;

    private static Matrix<double> Rows(Matrix<double> row, int n) => Matrix<double>.Build.Dense(n, row.ColumnCount, (i, j) => row[0, j]);

    public Matrix<double> Forward(Matrix<double> x, IReadOnlyList<Matrix<double>> p) =>
        (x * p[0]).PointwiseMultiply(Rows(p[1], x.RowCount)) + Rows(p[2], x.RowCount);

    public virtual LayerGradients Backward(Matrix<double> x, Matrix<double> a, IReadOnlyList<Matrix<double>> p, Matrix<double> dA)
    {
        var ds = dA.PointwiseMultiply(Rows(p[1], x.RowCount));          // ∂L/∂(X·W)
        var dS = Matrix<double>.Build.DenseOfRowVectors(dA.PointwiseMultiply(x * p[0]).ColumnSums());
        return new([x.Transpose() * ds, dS, Matrix<double>.Build.DenseOfRowVectors(dA.ColumnSums())], InputGradient(ds, dA, p));
    }

    protected virtual Matrix<double> InputGradient(Matrix<double> ds, Matrix<double> dA, IReadOnlyList<Matrix<double>> p) => ds * p[0].Transpose();
}

/// <summary>The slip: dX ignores the scale s (dA·Wᵀ instead of (dA ⊙ s)·Wᵀ).</summary>
public sealed class ScaledAffineIgnoringScale : ScaledAffine
{
    protected override Matrix<double> InputGradient(Matrix<double> ds, Matrix<double> dA, IReadOnlyList<Matrix<double>> p) => dA * p[0].Transpose();
}

public class ExtendingLayerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-extending-layers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int _names;
    private static string Fresh(string stem) => $"{stem}L{Interlocked.Increment(ref _names)}";

    private static Matrix<double> M(double[,] values) => Matrix<double>.Build.DenseOfArray(values);

    private static readonly Matrix<double> W = M(new[,] { { 0.5, -0.3, 0.2 }, { 0.1, 0.4, -0.6 } });
    private static readonly Matrix<double> B = M(new[,] { { 0.05, -0.1, 0.2 } });
    private static readonly Matrix<double> S = M(new[,] { { 1.5, 0.5, -2.0 } });

    [Fact]
    public void Correct_affine_and_scaled_affine_layers_pass_every_law()
    {
        var affine = Verification.Check(LayerDefinition.Create(Fresh("affine"), new Affine(), ["W", "b"], ["W"]), 2, [W, B]);
        Assert.True(affine.Passed, affine.ToString());
        Assert.Equal(["shapes", "parameter gradients", "input gradient"], affine.Laws.Select(l => l.Law));
        var scaled = Verification.Check(LayerDefinition.Create(Fresh("scaled"), new ScaledAffine(), ["W", "s", "b"], ["W"]), 2, [W, S, B]);
        Assert.True(scaled.Passed, scaled.ToString());
    }

    [Fact]
    public void A_bias_gradient_summed_over_the_wrong_axis_is_caught_on_one_row()
    {
        var report = Verification.Check(LayerDefinition.Create(Fresh("wrongAxis"), new AffineBiasWrongAxis(), ["W", "b"], ["W"]), 2, [W, B]);
        var law = Assert.Single(report.Laws, l => l.Law == "shapes");
        Assert.False(law.Passed, report.ToString());
        // Shrunk to one example: one row sum (1×1) where b has one value per unit (1×3).
        Assert.Equal("n = 1 row of 2 inputs", law.Counterexample!.Inputs[0]);
        Assert.Equal($"the {report.Subject["layer ".Length..]} layer's gradient of b is 1×1, but b is 1×3.", law.Counterexample.Message);
    }

    [Fact]
    public void An_input_gradient_that_ignores_a_parameter_is_caught_with_the_entry_that_shows_it()
    {
        var report = Verification.Check(LayerDefinition.Create(Fresh("ignoresScale"), new ScaledAffineIgnoringScale(), ["W", "s", "b"], ["W"]), 2, [W, S, B]);
        Assert.True(report.Laws.Single(l => l.Law == "parameter gradients").Passed, report.ToString());
        var law = Assert.Single(report.Laws, l => l.Law == "input gradient");
        Assert.False(law.Passed, report.ToString());
        var c = law.Counterexample!;
        Assert.Equal("n = 1 row of 2 inputs", c.Inputs[0]);
        Assert.StartsWith("∂L/∂X at (0, ", c.Message);
        // The true dX = (dA ⊙ s)·Wᵀ is what the central difference measured: recompute it from the shrunk case by hand.
        double[] Row(string line) => line[(line.IndexOf('[') + 1)..line.IndexOf(']')].Split(", ").Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        double[] dA = Row(c.Inputs[2]), w0 = Row(c.Inputs[3].Split(';')[0] + "]"), s = Row(c.Inputs[4]);
        int column = int.Parse(c.Message["∂L/∂X at (0, ".Length..].Split(')')[0]);
        double[] wRow = column == 0 ? w0 : Row("[" + c.Inputs[3].Split("; ")[1]);
        double expected = dA.Select((d, j) => d * s[j] * wRow[j]).Sum();
        Assert.Equal(expected, c.Numerical, 8);
        Assert.Equal(dA.Select((d, j) => d * wRow[j]).Sum(), c.Analytic, 12);
    }

    [Fact]
    public void A_network_with_a_users_layer_trains_to_the_same_weights_as_the_built_in_dense_layer()
    {
        // The user's affine layer against the built-in Dense(Identity): two implementations of A = X·W + 1·b, trained
        // alike, agree to 1e-12 on both training paths (the built-in one is the independent reference).
        var def = LayerDefinition.Create(Fresh("trainAffine"), new Affine(), ["W", "b"], ["W"]);
        var rng = new Random(3);
        double[,] Fill(int r, int c) { var a = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = 2 * rng.NextDouble() - 1; return a; }
        double[,] x = Fill(12, 2), w2 = Fill(3, 2);
        int[] labels = [.. Enumerable.Range(0, 12).Select(i => i % 2)];
        var mine = Network.Create(2).Layer(def, [W, B]).Dense(w2, [0.0, 0.0], Activation.Softmax).Build();
        var theirs = Network.Create(2).Dense(W.ToArray(), B.Row(0).ToArray(), Activation.Identity).Dense(w2, [0.0, 0.0], Activation.Softmax).Build();
        Assert.Equal(LayerKind.Custom, mine.Layers[0].Kind);
        foreach (bool reference in new[] { false, true })
        {
            var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Momentum(0.1)) { BatchSize = 4, Epochs = 15, Seed = 2, WeightDecay = 1e-3, UseReferencePath = reference };
            var a = trainer.Fit(mine, x, labels);
            var b = trainer.Fit(theirs, x, labels);
            Assert.True(a.History[^1].TrainingLoss < a.History[0].TrainingLoss);
            var (pa, pb) = (a.Network.GetParameters(), b.Network.GetParameters());
            Assert.Equal(pb.Count, pa.Count);
            for (int k = 0; k < pa.Count; k++)
            {
                var (va, vb) = (pa[k].Values, pb[k].Values);
                for (int i = 0; i < va.GetLength(0); i++)
                    for (int j = 0; j < va.GetLength(1); j++)
                        Assert.True(Math.Abs(va[i, j] - vb[i, j]) <= 1e-12, $"{pa[k].Name} ({i}, {j}), reference path {reference}: {va[i, j]:R} vs {vb[i, j]:R}");
            }
        }
    }

    [Fact]
    public void Adding_a_failing_layer_is_refused_and_the_opt_out_adds_it()
    {
        var def = LayerDefinition.Create(Fresh("refusedLayer"), new ScaledAffineIgnoringScale(), ["W", "s", "b"], ["W"]);
        var e = Assert.Throws<VerificationException>(() => Network.Create(2).Layer(def, [W, S, B]));
        Assert.Contains("✗ input gradient", e.Message);
        var builder = Network.Create(2).Layer(def, [W, S, B], verify: false);
        Assert.Equal(3, builder.OutputCount);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => Network.Create(2).Layer(def, [W, S])).ParamName);
        Assert.Throws<ArgumentException>(() => Network.Create(3).Layer(LayerDefinition.Create(Fresh("badWidth"), new Affine(), ["W", "b"]), [W, B]));
    }

    [Fact]
    public void A_model_with_a_users_layer_saves_its_parameters_by_name_and_loading_needs_it_registered()
    {
        var def = LayerDefinition.Create(Fresh("savedScaled"), new ScaledAffine(), ["W", "s", "b"], ["W"]);
        var network = Network.Create(2).Layer(def, [W, S, B]).Dense(1, Activation.Sigmoid).Build(Initializer.XavierNormal(seed: 4));
        string path = Path.Combine(_dir, "scaled.json");
        network.Save(path);
        var loaded = Network.Load(path);
        double[] input = [0.7, -1.1];
        Assert.Equal(network.Predict(input), loaded.Predict(input));
        Assert.Equal(network.ToJson(), loaded.ToJson());

        string text = File.ReadAllText(path), missing = Fresh("neverRegistered");
        File.WriteAllText(path, text.Replace($"\"{def.Name}\"", $"\"{missing}\""));
        var e = Assert.Throws<InvalidDataException>(() => Network.Load(path));
        Assert.Contains(missing, e.Message);
        Assert.Contains("registered before loading", e.Message);
    }

    [Fact]
    public void Layer_names_and_parameter_lists_are_checked()
    {
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => LayerDefinition.Create("dense", new Affine(), ["W", "b"])).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => LayerDefinition.Create("a b", new Affine(), ["W", "b"])).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => LayerDefinition.Create("okLayer1", new Affine(), ["W", "W"])).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => LayerDefinition.Create("okLayer2", new Affine(), ["W", "b"], ["V"])).ParamName);
        string name = Fresh("twice");
        LayerDefinition.Create(name, new Affine(), ["W", "b"]).Register();
        Assert.Throws<ArgumentException>(() => LayerDefinition.Create(name, new ScaledAffine(), ["W", "s", "b"]).Register());
    }
}
