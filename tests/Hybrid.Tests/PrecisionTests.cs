using MathNet.Numerics.LinearAlgebra;
using Hybrid.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Hybrid.Tests;

/// <summary>
/// Training in float32 (<see cref="Trainer.Precision"/>, docs/performance.md "Choosing an element type"). The per-step
/// drift against float64 is bounded and checked by PrecisionProperties; these tests check the façade's side: that a run
/// really computes in float32, trains as float64 does, resumes bit for bit, and refuses what it cannot do.
/// </summary>
public class PrecisionTests
{
    private static Network Mlp(int inputs, int outputs) =>
        Network.Create(inputs).Dense(32, Activation.ReLU).Dropout(0.1).Dense(16, Activation.Tanh).Dense(outputs, Activation.Softmax).Build(Initializer.HeNormal(seed: 3));

    private static Trainer Trainer(Precision precision, int epochs) =>
        new(Loss.CrossEntropy, Optimizer.Adam(0.01)) { Epochs = epochs, BatchSize = 32, Seed = 5, WeightDecay = 1e-4, Precision = precision };

    private static IEnumerable<double> Weights(Network network) => network.GetParameters().SelectMany(p => p.Values.Cast<double>());

    /// <summary>Every epoch's training loss of <paramref name="run"/> within <paramref name="relative"/> of <paramref name="reference"/>'s.</summary>
    private static void CurvesAgree(TrainingResult run, TrainingResult reference, double relative)
    {
        Assert.Equal(reference.History.Count, run.History.Count);
        for (int e = 0; e < run.History.Count; e++)
            Assert.True(Math.Abs(run.History[e].TrainingLoss - reference.History[e].TrainingLoss) <= relative * reference.History[e].TrainingLoss,
                $"epoch {e + 1}: {run.History[e].TrainingLoss} against {reference.History[e].TrainingLoss}");
    }

    [Fact]
    public void A_single_precision_run_keeps_float32_weights_and_trains_the_digits_as_double_does()
    {
        var (train, test) = DataSets.Digits().TrainTestSplit(0.2, seed: 1);
        var network = Mlp(train.FeatureCount, 10);
        var single = Trainer(Precision.Single, 15).Fit(network, train.Features, train.Targets);
        var @double = Trainer(Precision.Double, 15).Fit(network, train.Features, train.Targets);

        // Every weight of the single-precision run is a float32 widened to double (it was stored and updated in float32);
        // the double-precision run's are not.
        Assert.All(Weights(single.Network), w => Assert.Equal(w, (double)(float)w));
        Assert.Contains(Weights(@double.Network), w => w != (double)(float)w);

        // The two runs part only by float32's rounding (about 6e-8 of each value per operation, bounded per step by
        // PrecisionProperties); over 15 epochs of Adam that stays far below what separates a trained network from an
        // untrained one: the loss curves agree to 2% and the test accuracies to 2 points.
        CurvesAgree(single, @double, 0.02);
        double a = single.Network.Evaluate(test.Features, test.Targets).Accuracy, b = @double.Network.Evaluate(test.Features, test.Targets).Accuracy;
        Assert.True(a >= 0.9, $"{a}");
        Assert.True(Math.Abs(a - b) <= 0.02, $"{a} against {b}");
    }

    [Fact]
    public void Maxout_trains_in_float32_as_in_float64()
    {
        var (train, _) = DataSets.Digits().TrainTestSplit(0.2, seed: 4);
        var network = Network.Create(train.FeatureCount).Maxout(24, pieces: 3).Dense(10, Activation.Softmax).Build(Initializer.HeNormal(seed: 5));
        var single = Trainer(Precision.Single, 8).Fit(network, train.Features, train.Targets);
        var @double = Trainer(Precision.Double, 8).Fit(network, train.Features, train.Targets);
        Assert.All(Weights(single.Network), w => Assert.Equal(w, (double)(float)w));
        // A float32 rounding can hand an entry to the other piece where two pieces nearly tie (the max's kink), so the
        // runs part a little faster than dense ones; the curves still agree as for the dense network (2%).
        CurvesAgree(single, @double, 0.02);
        // And the float32 network predicts in float32 through its maxout layer.
        Assert.All(single.Network.Predict(train.GetFeatures()[..20]).SelectMany(r => r), v => Assert.Equal(v, (double)(float)v));
    }

    [Fact]
    public void A_layer_of_the_users_own_trains_in_float32_as_the_built_in_dense_layer_does()
    {
        // The user's affine layer against the built-in Dense(Identity), both trained in float32 alike. The user's math
        // is in float64 matrices: at float32 it sees the values widened and its results are rounded once, where the
        // built-in layer computes in float32 throughout; the two part by float32 roundings only (u = 2⁻²⁴ ≈ 6e-8 a
        // step), so after 10 epochs (50 Adam steps) every weight agrees to 1e-4 and every epoch's loss to 0.1%.
        var def = LayerDefinition.Create("affineF32", new Affine(), ["W", "b"], ["W"]);
        double[,] w = new double[4, 8], w2 = new double[8, 3];
        for (int e = 0; e < 32; e++) w[e / 8, e % 8] = 0.4 * Math.Sin(3 * e + 1);
        for (int e = 0; e < 24; e++) w2[e / 3, e % 3] = 0.4 * Math.Cos(5 * e);
        var mine = Network.Create(4).Layer(def, [Matrix<double>.Build.DenseOfArray(w), Matrix<double>.Build.Dense(1, 8)]).Dense(w2, new double[3], Activation.Softmax).Build();
        var theirs = Network.Create(4).Dense(w, new double[8], Activation.Identity).Dense(w2, new double[3], Activation.Softmax).Build();
        var iris = DataSets.Iris();
        var a = Trainer(Precision.Single, 10).Fit(mine, iris.Features, iris.Targets);
        var b = Trainer(Precision.Single, 10).Fit(theirs, iris.Features, iris.Targets);
        Assert.All(Weights(a.Network), v => Assert.Equal(v, (double)(float)v));
        var p = Weights(a.Network).ToArray();
        var q = Weights(b.Network).ToArray();
        Assert.Equal(q.Length, p.Length);
        for (int e = 0; e < p.Length; e++) Assert.True(Math.Abs(p[e] - q[e]) <= 1e-4, $"parameter entry {e}: {p[e]} against {q[e]}");
        // The weights moved: the comparison is not of two untrained networks.
        Assert.Contains(Enumerable.Range(0, 32), e => Math.Abs(p[e] - w[e / 8, e % 8]) > 1e-2);
        CurvesAgree(a, b, 1e-3);
        Assert.All(a.Network.Predict(iris.GetFeatures()[..10]).SelectMany(r => r), v => Assert.Equal(v, (double)(float)v));
    }

    [Fact]
    public void Layer_normalisation_trains_in_float32_as_in_float64()
    {
        var (train, _) = DataSets.Digits().TrainTestSplit(0.2, seed: 3);
        var network = Network.Create(train.FeatureCount).Dense(32, Activation.ReLU).LayerNorm().Dense(10, Activation.Softmax).Build(Initializer.HeNormal(seed: 4));
        var single = Trainer(Precision.Single, 8).Fit(network, train.Features, train.Targets);
        var @double = Trainer(Precision.Double, 8).Fit(network, train.Features, train.Targets);
        Assert.All(Weights(single.Network), w => Assert.Equal(w, (double)(float)w));
        // γ and β moved from 1 and 0, and the curves agree as for the dense network (2%).
        Assert.Contains(single.Network.GetParameters().Single(p => p.Name.EndsWith("gamma", StringComparison.Ordinal)).Values.Cast<double>(), g => g != 1.0);
        CurvesAgree(single, @double, 0.02);
    }

    [Fact]
    public void A_single_precision_run_resumed_equals_the_uninterrupted_run_bit_for_bit()
    {
        // The state holds the float32 weights and moments widened exactly, so resuming rounds them back to the same float32s.
        var (train, _) = DataSets.Iris().TrainTestSplit(0.2, seed: 2);
        var network = Mlp(train.FeatureCount, 3);
        var whole = Trainer(Precision.Single, 5).Fit(network, train.Features, train.Targets);
        var first = Trainer(Precision.Single, 3).Fit(network, train.Features, train.Targets);
        var rest = Trainer(Precision.Single, 2).Resume(first.State, train.Features, train.Targets);
        Assert.Equal(whole.Network.ToJson(), rest.Network.ToJson());
        Assert.Equal(whole.History.Select(h => h.TrainingLoss), first.History.Concat(rest.History).Select(h => h.TrainingLoss));
    }

    [Fact]
    public void Single_precision_refuses_the_reference_path_and_unknown_values()
    {
        var iris = DataSets.Iris();

        var reference = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 1, Precision = Precision.Single, UseReferencePath = true };
        var r = Assert.Throws<ArgumentException>(() => reference.Fit(Mlp(4, 3), iris.Features, iris.Targets));
        Assert.Equal("Precision", r.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Precision = (Precision)7 });
        Assert.Equal(Precision.Double, new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)).Precision);
    }

    [Fact]
    public void The_model_file_records_single_precision_and_onnx_exports_in_it_by_default()
    {
        var iris = DataSets.Iris();
        var single = Trainer(Precision.Single, 2).Fit(Mlp(4, 3), iris.Features, iris.Targets).Network;
        var @double = Trainer(Precision.Double, 2).Fit(Mlp(4, 3), iris.Features, iris.Targets).Network;
        Assert.Equal(Precision.Single, single.Precision);
        Assert.Equal(Precision.Double, @double.Precision);
        Assert.Equal(Precision.Double, Mlp(4, 3).Precision);

        // Single says so in the file and comes back as Single; Double writes no key, so its files are as before.
        Assert.Contains("\"precision\":\"single\"", single.ToJson());
        Assert.DoesNotContain("precision", @double.ToJson());
        var back = Network.FromJson(single.ToJson());
        Assert.Equal(Precision.Single, back.Precision);
        Assert.Equal(single.ToJson(), back.ToJson());
        Assert.Equal(Precision.Single, Model.FromJson(new Model(single).ToJson()).Network.Precision);
        var e = Assert.Throws<InvalidDataException>(() => Network.FromJson(single.ToJson().Replace("\"single\"", "\"half\"")));
        Assert.Contains("\"precision\" is \"half\" but must be \"double\" or \"single\"", e.Message);

        // ONNX: a network trained in float32 exports a float32 graph unless asked otherwise.
        static TensorElementType InputType(byte[] onnx)
        {
            using var session = new InferenceSession(onnx);
            return session.InputMetadata.Values.Single().ElementDataType;
        }
        Assert.Equal(TensorElementType.Float, InputType(single.ToOnnx()));
        Assert.Equal(TensorElementType.Double, InputType(@double.ToOnnx()));
        Assert.Equal(TensorElementType.Double, InputType(single.ToOnnx(OnnxPrecision.Double)));
        Assert.Equal(TensorElementType.Float, InputType(new Model(single).ToOnnx()));
        // Its weights are float32 values, so the float32 graph holds them exactly: importing it gives the same network back.
        var imported = OnnxModel.ReadNetwork(single.ToOnnx());
        Assert.Equal(Precision.Single, imported.Precision);
        Assert.Equal(Weights(single), Weights(imported));   // bit for bit (the dropout rate comes back as the float32 nearest 0.1)
        Assert.Equal(Precision.Double, OnnxModel.ReadNetwork(@double.ToOnnx()).Precision);
    }

    [Fact]
    public void Predict_of_a_float32_network_computes_in_float32()
    {
        var (train, test) = DataSets.Digits().TrainTestSplit(0.2, seed: 2);
        var start = Network.Create(train.FeatureCount).Dense(16, Activation.Tanh).Dense(10, Activation.Softmax).Build(Initializer.XavierNormal(seed: 6));
        var network = Trainer(Precision.Single, 2).Fit(start, train.Features, train.Targets).Network;
        double[][] x = test.GetFeatures()[..40];
        double[][] predicted = network.Predict(x);

        // Every output is a float32 value widened (computed in float32), and each row is what float32 arithmetic
        // written out here gives: z_k = fma chain over the inputs plus b_k, tanh, then softmax, each rounded to float32.
        // The library's float32 tanh and exp may differ from MathF's by an ulp or two, and 64 terms carry up to 64u of
        // rounding (u = 2⁻²⁴ ≈ 6e-8, 4e-6 relative): 1e-5 on probabilities in [0, 1] is a few times that, and far below
        // the difference between two rows.
        var p = network.GetParameters();
        float[,] w1 = Single(p[0].Values), w2 = Single(p[2].Values);
        float[] b1 = Single(p[1].Values).Cast<float>().ToArray(), b2 = Single(p[3].Values).Cast<float>().ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            Assert.All(predicted[i], v => Assert.Equal(v, (double)(float)v));
            float[] h = Layer(x[i].Select(v => (float)v).ToArray(), w1, b1).Select(MathF.Tanh).ToArray();
            float[] z = Layer(h, w2, b2);
            float m = z.Max();
            float[] e = z.Select(v => MathF.Exp(v - m)).ToArray();
            float sum = 0f;
            foreach (float v in e) sum += v;
            for (int k = 0; k < 10; k++)
                Assert.True(Math.Abs(predicted[i][k] - e[k] / sum) <= 1e-5, $"row {i}, output {k}: {predicted[i][k]} against {e[k] / sum}");
            // One row alone gives the same bits as the batch.
            Assert.Equal(predicted[i], network.Predict(x[i]));
        }
        // The same weights as a float64 network predict in float64: not float32 values, within float32's rounding.
        var asDouble = Network.FromJson(network.ToJson().Replace("\"precision\":\"single\",", ""));
        Assert.Equal(Precision.Double, asDouble.Precision);
        double[][] wide = asDouble.Predict(x);
        Assert.Contains(wide.SelectMany(r => r), v => v != (double)(float)v);
        for (int i = 0; i < x.Length; i++)
            for (int k = 0; k < 10; k++)
                Assert.True(Math.Abs(predicted[i][k] - wide[i][k]) <= 1e-5, $"row {i}, output {k}: {predicted[i][k]} against {wide[i][k]}");
        // Evaluate reports the float32 predictions' accuracy and loss.
        var evaluation = network.Evaluate(test.Features, test.Targets);
        Assert.Equal(network.PredictClasses(test.Features).Zip(test.GetLabels(), (a, b) => a == b ? 1.0 : 0.0).Average(), evaluation.Accuracy, 12);
    }

    [Fact]
    public void Inputs_that_float32_cannot_hold_are_named_before_a_float32_run_reports_anything()
    {
        // Rows read in place are checked as training gathers each batch, at the precision trained in:
        // 1e39 is a finite float64 but past float32's ±3.4e38, so a float32 run must refuse it, naming
        // the lowest such row (three of the 200 rows hold one), while a float64 run takes it.
        var rng = new Random(4);
        double[][] x = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 4).Select(_ => rng.NextDouble()).ToArray()).ToArray();
        int[] y = x.Select(r => r[0] > 0.5 ? 1 : 0).ToArray();
        x[150][3] = -1e39;
        x[70][2] = 1e39;
        x[120][1] = 2e39;
        var reports = new List<EpochReport>();
        var single = Trainer(Precision.Single, 3);
        string Message(Action fit) => Assert.Throws<ArgumentException>(fit).Message;
        Assert.StartsWith("x has the value 1E+39 at row 70, column 2, past float32's largest value ±3.4e38",
                          Message(() => single.Fit(Mlp(4, 2), x, y, new Progress(reports))).Replace("1e+39", "1E+39"));
        Assert.Empty(reports);
        Trainer(Precision.Double, 1).Fit(Mlp(4, 2), x, y); // a float64 run takes them: no exception
        // float32 rows, as explicit validation data and as a validation split of x.
        float[][] clean = x.Select(r => r.Select(v => Math.Clamp((float)v, 0f, 1f)).ToArray()).ToArray();
        float[][] bad = clean.Select(r => r.ToArray()).ToArray();
        bad[33][0] = float.NaN;
        Assert.StartsWith("validationX has a non-finite value NaN at row 33, column 0.", Message(() => single.Fit(Mlp(4, 2), clean, y, bad, y)));
        var split = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.01)) { Epochs = 1, BatchSize = 32, Seed = 5, Precision = Precision.Single, ValidationSplit = 0.25 };
        Assert.StartsWith("x has a non-finite value NaN at row 33, column 0.", Message(() => split.Fit(Mlp(4, 2), bad, y)));
        single.Fit(Mlp(4, 2), clean, y, clean, y); // the clean rows train
    }

    private sealed class Progress(List<EpochReport> reports) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => reports.Add(value);
    }

    [Fact]
    public void A_float32_network_overflows_where_float32_does()
    {
        // 1e20 · 1e20 = 1e40: beyond float32's 3.4e38, well inside float64's range.
        const string json = "{\"format\":\"hybrid-network\",\"version\":1,\"inputs\":1,\"precision\":\"single\",\"layers\":[" +
                            "{\"type\":\"dense\",\"activation\":\"identity\",\"weights\":[[1E+20]],\"biases\":[0]}]}";
        var single = Network.FromJson(json);
        var e = Assert.Throws<OverflowException>(() => single.Predict(new[] { 1e20 }));
        Assert.Contains("layer 0 has a non-finite value at row 0, column 0", e.Message);
        Assert.Contains("3.4e38", e.Message);
        Assert.Equal(1e40, Network.FromJson(json.Replace("\"precision\":\"single\",", "")).Predict(new[] { 1e20 })[0], 1e26);
    }

    // One identity unit ŷ = w·x + b on one row (y = 0), w starting at c; MSE; one SGD step of
    // rate η. The gradient case: J = (c·x)²/2 stays finite while ∂J/∂w = c·x² overflows (c = 1e-50,
    // x = 1e200: J ≈ 5e299, ∂J/∂w ≈ 1e350; float32: c = 1e-20, x = 1e30: J ≈ 5e19, computed in
    // float64, ∂J/∂w ≈ 1e40 > 3.4e38). The parameter case: every gradient is finite and w − η·∂J/∂w
    // overflows (c = 1, x = 1e150, η = 1e10: ∂J/∂w ≈ 1e300, η·∂J/∂w ≈ 1e310; float32: x = 1e15:
    // ∂J/∂w ≈ 1e30, η·∂J/∂w ≈ 1e40). Either way the step is refused, the reason names the right
    // check, and the weights are those before it. (Initializer.Constant sets the weights; b starts at 0.)
    [Theory]
    [InlineData(Precision.Double, false, true)]
    [InlineData(Precision.Double, true, true)]
    [InlineData(Precision.Single, false, true)]
    [InlineData(Precision.Double, false, false)]
    [InlineData(Precision.Double, true, false)]
    [InlineData(Precision.Single, false, false)]
    public void A_non_finite_gradient_and_an_overflowing_parameter_stop_with_their_own_reasons(Precision precision, bool reference, bool gradientCase)
    {
        bool single = precision == Precision.Single;
        double c = gradientCase ? (single ? 1e-20 : 1e-50) : 1.0;
        double x = gradientCase ? (single ? 1e30 : 1e200) : (single ? 1e15 : 1e150);
        var net = Network.Create(1).Dense(1, Activation.Identity).Build(Initializer.Constant(c));
        var before = Weights(net).ToArray();
        var result = new Trainer(Loss.MeanSquaredError, Optimizer.Sgd(gradientCase ? 0.1 : 1e10))
            { Epochs = 1, BatchSize = 1, Precision = precision, UseReferencePath = reference, DivergenceFactor = double.PositiveInfinity }
            .Fit(net, new[] { new[] { x } }, new[] { new[] { 0.0 } });
        Assert.Equal(StopReason.NonFiniteLoss, result.StopReason);
        Assert.Contains(gradientCase ? "the loss or its gradient became non-finite" : "a parameter became non-finite", result.Message);
        // A float32 run holds the weights rounded to float32 from its start.
        Assert.Equal(single ? before.Select(v => (double)(float)v) : before, Weights(result.Network));
    }

    private static float[,] Single(double[,] v)
    {
        var f = new float[v.GetLength(0), v.GetLength(1)];
        for (int i = 0; i < v.GetLength(0); i++) for (int j = 0; j < v.GetLength(1); j++) f[i, j] = (float)v[i, j];
        return f;
    }

    // z_k = Σ_p x_p·W_pk + b_k in float32: the product as one fused multiply-add chain from 0 (the kernel's order), then b_k.
    private static float[] Layer(float[] x, float[,] w, float[] b)
    {
        var z = new float[b.Length];
        for (int k = 0; k < b.Length; k++)
        {
            float s = 0f;
            for (int q = 0; q < x.Length; q++) s = MathF.FusedMultiplyAdd(x[q], w[q, k], s);
            z[k] = s + b[k];
        }
        return z;
    }
}
