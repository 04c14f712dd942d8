using Hybrid.Onnx;
using Xunit;

namespace Hybrid.Tests;

/// <summary>
/// Layer normalisation through the façade: the builder, the layer description, a forward pass
/// against numbers worked by hand, the named gradient, training, and the model file.
/// </summary>
public class LayerNormTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-layernorm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // 3 inputs, identity dense layer, then layer normalisation: the output is the input normalised.
    private static Network IdentityThenNorm(double epsilon) =>
        Network.Create(3).Dense(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, [0, 0, 0], Activation.Identity).LayerNorm(epsilon).Build();

    [Fact]
    public void S30_layer_norm_centres_and_scales_each_example_as_worked_by_hand()
    {
        // x = (1, 2, 3): μ = 2, σ² = ((−1)² + 0² + 1²)/3 = 2/3, x̂ = (x − μ)/√(2/3 + ε).
        // With ε = 1/3: √(2/3 + 1/3) = 1, so x̂ = (−1, 0, 1) exactly.
        var net = IdentityThenNorm(1.0 / 3.0);
        var y = net.Predict([1.0, 2.0, 3.0]);
        Assert.Equal(-1.0, y[0], 15);
        Assert.Equal(0.0, y[1], 15);
        Assert.Equal(1.0, y[2], 15);
        // x = (4, 4, 10): μ = 6, σ² = (4 + 4 + 16)/3 = 8; with ε = 1: √9 = 3, x̂ = (−2/3, −2/3, 4/3).
        var z = IdentityThenNorm(1.0).Predict([4.0, 4.0, 10.0]);
        Assert.Equal(-2.0 / 3.0, z[0], 15);
        Assert.Equal(-2.0 / 3.0, z[1], 15);
        Assert.Equal(4.0 / 3.0, z[2], 15);
    }

    [Fact]
    public void S30_a_layer_norm_layer_is_described_and_counted()
    {
        var net = Network.Create(4).Dense(5, Activation.ReLU).LayerNorm().Dense(2, Activation.Softmax).Build(Initializer.Default(seed: 1));
        var info = net.Layers[1];
        Assert.Equal(LayerKind.LayerNorm, info.Kind);
        Assert.Equal(5, info.Inputs);
        Assert.Equal(5, info.Units);
        Assert.Equal(10, info.ParameterCount); // γ and β: 5 each
        Assert.Equal(0, info.Pieces);
        Assert.Null(info.Activation);
        Assert.Equal("LayerNorm(5)", info.ToString());
        Assert.Equal(4 * 5 + 5 + 10 + 5 * 2 + 2, net.ParameterCount);
        Assert.Throws<ArgumentException>(() => net.GetWeights(1));
    }

    [Fact]
    public void S30_layer_norm_settings_are_checked()
    {
        var builder = Network.Create(3).Dense(2, Activation.Tanh);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.LayerNorm(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.LayerNorm(-1e-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.LayerNorm(double.NaN));
    }

    [Fact]
    public void S16_the_gradient_of_gamma_and_beta_comes_by_name()
    {
        // Identity then layer normalisation with ε = 1/3 on x = (1, 2, 3): x̂ = (−1, 0, 1), A = x̂
        // (γ = 1, β = 0). With MSE J = 1/(2N) Σ (ŷ − y)² against y = 0 on N = 1 row, ∂J/∂A = A, so
        // ∂J/∂γ = ∂J/∂A ⊙ x̂ = (1, 0, 1) and ∂J/∂β = ∂J/∂A = (−1, 0, 1).
        var net = IdentityThenNorm(1.0 / 3.0);
        var r = net.ComputeGradients(Loss.MeanSquaredError, Features.FromArray(new double[,] { { 1, 2, 3 } }), Targets.FromArray(new double[,] { { 0, 0, 0 } }));
        var g = Assert.IsType<NamedGradient>(r.Layers[1]);
        Assert.Equal(["gamma", "beta"], g.Names);
        var dGamma = g.Values("gamma");
        var dBeta = g.Values("beta");
        double[] expectedGamma = [1, 0, 1], expectedBeta = [-1, 0, 1];
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(expectedGamma[j], dGamma[0, j], 14);
            Assert.Equal(expectedBeta[j], dBeta[0, j], 14);
        }
        Assert.Throws<ArgumentException>(() => g.Values("W"));
    }

    [Fact]
    public void S30_a_trained_network_with_layer_norm_round_trips_through_the_model_file()
    {
        var rng = new Random(5);
        var x = new double[60, 4];
        var labels = new int[60];
        for (int i = 0; i < 60; i++)
        {
            for (int j = 0; j < 4; j++) x[i, j] = rng.NextDouble() * 4 - 2;
            labels[i] = x[i, 0] + x[i, 1] > 0 ? 1 : 0;
        }
        var net = Network.Create(4).Dense(6, Activation.Tanh).LayerNorm(1e-3).Dense(2, Activation.Softmax).Build(Initializer.Default(seed: 2));
        var trained = new Trainer(Loss.CrossEntropy, Optimizer.Adam(learningRate: 0.01)) { Epochs = 20, BatchSize = 10, Seed = 4 }
            .Fit(net, Features.FromArray(x), Targets.FromLabels(labels)).Network;
        // Training moved γ and β away from their starting 1 and 0.
        Assert.NotEqual(net.Predict(x), trained.Predict(x));

        string path = Path.Combine(_dir, "norm.model.json");
        trained.Save(path);
        string text = File.ReadAllText(path);
        Assert.Contains("\"type\":\"layerNorm\",\"epsilon\":0.001,\"gamma\":[", text);
        var loaded = Network.Load(path);
        Assert.Equal(trained.Predict(x), loaded.Predict(x));
        string again = Path.Combine(_dir, "again.model.json");
        loaded.Save(again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    // A trained network with layer normalisation between tanh layers (γ and β moved from 1 and 0).
    private static (Network Net, double[,] X) Trained()
    {
        var rng = new Random(11);
        var x = new double[40, 3];
        var labels = new int[40];
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 3; j++) x[i, j] = rng.NextDouble() * 4 - 2;
            labels[i] = x[i, 0] * x[i, 2] > 0 ? 1 : 0;
        }
        var net = Network.Create(3).Dense(5, Activation.Tanh).LayerNorm().Dense(3, Activation.ReLU).LayerNorm(1e-3).Dense(2, Activation.Softmax).Build(Initializer.Default(seed: 3));
        var trained = new Trainer(Loss.CrossEntropy, Optimizer.Adam(learningRate: 0.02)) { Epochs = 15, BatchSize = 8, Seed = 1 }
            .Fit(net, Features.FromArray(x), Targets.FromLabels(labels)).Network;
        return (trained, x);
    }

    [Fact]
    public void S30_layer_norm_exports_to_onnx_as_LayerNormalization_and_ONNX_Runtime_agrees()
    {
        var (net, x) = Trained();
        // float64: the graph computes in float64, but ONNX's LayerNormalization takes ε as a FLOAT
        // attribute, so ε is rounded to float32 (relative change ≤ 2⁻²⁴); that moves √(σ² + ε) by at
        // most 2⁻²⁴·ε/(2(σ² + ε)) relative, ≤ 1e-11 here (ε ≤ 1e-3, the rows' σ² ≳ 0.05), and ONNX
        // Runtime may sum in another order (≤ 1e-15): 1e-9 bounds both with room.
        double e64 = OnnxTestSupport.RelativeError(net.Predict(x), OnnxTestSupport.Run(net.ToOnnx(), [x], OnnxPrecision.Double)[0]);
        Assert.True(e64 <= 1e-9, $"float64 relative error {e64:E3}");
        // float32: the whole graph in float (unit roundoff 6e-8) through two normalisations and three
        // products of a few terms: the export tests' 1e-5 (floor 1) holds.
        double e32 = OnnxTestSupport.RelativeError(net.Predict(x), OnnxTestSupport.Run(net.ToOnnx(OnnxPrecision.Single), [x], OnnxPrecision.Single)[0], floor: 1);
        Assert.True(e32 <= OnnxExportTests.SingleTolerance, $"float32 relative error {e32:E3}");
        var model = Hybrid.Onnx.Proto.ModelProto.Parser.ParseFrom(net.ToOnnx());
        var norm = model.Graph.Node.Single(n => n.Name == "layer1.layernorm");
        Assert.Equal("LayerNormalization", norm.OpType);
        Assert.Equal(["layer0.output", "layer1.gamma", "layer1.beta"], norm.Input);
    }

    [Fact]
    public void S30_layer_norm_comes_back_from_onnx_bit_for_bit_and_a_misfit_node_is_refused_by_name()
    {
        var (net, x) = Trained();
        var back = OnnxModel.ReadNetwork(net.ToOnnx());
        Assert.Equal(net.Layers.Select(l => l.ToString()), back.Layers.Select(l => l.ToString()));
        Assert.Equal(net.GetParameters().Select(p => p.Values), back.GetParameters().Select(p => p.Values));
        // ε travels as a FLOAT attribute: the imported ε is the float32 nearest the original.
        Assert.Equal(net.Predict(x), back.Predict(x), new ToleranceComparer(1e-9));

        var model = Hybrid.Onnx.Proto.ModelProto.Parser.ParseFrom(net.ToOnnx());
        var norm = model.Graph.Node.Single(n => n.Name == "layer1.layernorm");
        norm.Attribute.Single(a => a.Name == "axis").I = 0;
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(Google.Protobuf.MessageExtensions.ToByteArray(model)));
        Assert.Contains("node \"layer1.layernorm\" (LayerNormalization) normalises from axis 0", e.Message);
        // A hostile input name (100,000 characters with CR/LF, not an initializer) comes back bounded and escaped.
        var hostile = Hybrid.Onnx.Proto.ModelProto.Parser.ParseFrom(net.ToOnnx());
        var node = hostile.Graph.Node.Single(n => n.Name == "layer1.layernorm");
        node.Input[1] = "g\r\n[INFO] ok" + new string('x', 100_000);
        var bad = Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(Google.Protobuf.MessageExtensions.ToByteArray(hostile)));
        Assert.True(bad.Message.Length < 1000, $"a message of {bad.Message.Length} characters");
        Assert.DoesNotContain('\n', bad.Message);
        Assert.DoesNotContain('\r', bad.Message);
    }

    private sealed class ToleranceComparer(double relative) : IEqualityComparer<double[,]>
    {
        public bool Equals(double[,]? a, double[,]? b) => OnnxTestSupport.RelativeError(a!, b!) <= relative;
        public int GetHashCode(double[,] m) => 0;
    }

    [Fact]
    public void S30_a_layer_norm_entry_with_the_wrong_number_of_values_is_refused_with_its_place()
    {
        var net = IdentityThenNorm(1e-5);
        string path = Path.Combine(_dir, "bad.model.json");
        net.Save(path);
        string good = File.ReadAllText(path);
        File.WriteAllText(path, good.Replace("\"gamma\":[1,1,1]", "\"gamma\":[1,1]"));
        var e = Assert.Throws<InvalidDataException>(() => Network.Load(path));
        Assert.Contains("layer 1 gamma has 2 values but must have 3 (one per unit)", e.Message);
        File.WriteAllText(path, System.Text.RegularExpressions.Regex.Replace(good, "\"epsilon\":[^,}]*,", ""));
        var missing = Assert.Throws<InvalidDataException>(() => Network.Load(path));
        Assert.Contains("layer 1 has no \"epsilon\"", missing.Message);
    }
}
