using System.Text.Json;
using Google.Protobuf;
using Hybrid.Core;
using Hybrid.Onnx.Proto;
using MathNet.Numerics.LinearAlgebra;
using static Hybrid.Tests.OnnxTestSupport;

namespace Hybrid.Tests;

/// <summary>
/// Import of ONNX models written by another producer: PyTorch 1.13's torch.onnx.export
/// (tests/Hybrid.Tests/onnx/make_reference.py wrote the .onnx files and PyTorch's outputs), checked
/// by outputs and, after import, by gradients against central differences; and bad files.
/// </summary>
public sealed class OnnxImportTests
{
    private static string File(string name) => Path.Combine(AppContext.BaseDirectory, "onnx", name);

    private static (double[,] X, double[,] Y, bool Double) Expected(string name)
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(File(name + ".json")));
        double[,] Read(string key)
        {
            var rows = doc.RootElement.GetProperty(key).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            var m = new double[rows.Length, rows[0].Length];
            for (int i = 0; i < rows.Length; i++) for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
            return m;
        }
        return (Read("input"), Read("output"), doc.RootElement.GetProperty("dtype").GetString() == "float64");
    }

    /// <summary>
    /// A float64 SoftPlus network written by Hybrid 0.2.0 (onnx/softplus_hybrid_0.2.0.onnx, exported by
    /// that release's <c>ExportOnnx</c>), whose SoftPlus function computes log1p as a series below 1e-4:
    /// the core now uses Goldberg's log1p, so today's body differs, and the importer still reads the
    /// earlier one as SoftPlus. ONNX Runtime runs the file's own body; it agrees with the imported
    /// network's Predict to the double tolerance (the two log1p forms differ by a few ulps).
    /// </summary>
    [Fact]
    public void A_SoftPlus_model_written_by_the_earlier_release_still_imports()
    {
        var bytes = System.IO.File.ReadAllBytes(File("softplus_hybrid_0.2.0.onnx"));
        var net = OnnxModel.ReadNetwork(bytes);
        Assert.Equal("Dense(3, SoftPlus)", string.Join(" | ", net.Layers));
        double[,] x = { { 0.5, -1.25 }, { 3.0, 2.0 }, { -8.0, 9.5 }, { 0.0, 0.0 } };
        var runtime = OnnxTestSupport.Run(bytes, [x], OnnxPrecision.Double)[0];
        double e = RelativeError(runtime, net.Predict(x));
        Assert.True(e <= OnnxExportTests.DoubleTolerance, $"relative error {e:E3}");
    }

    /// <summary>PyTorch computes in the model's precision: for float64 models the outputs agree to 1e-12 relative; for float32 models PyTorch's float arithmetic (6e-8 per operation) bounds the agreement, taken relative to max(|output|, 1) as in OnnxExportTests.SingleTolerance.</summary>
    [Theory]
    [InlineData("relu_sigmoid", "Dense(5, ReLU) | Dense(3, Sigmoid)")]
    [InlineData("flatten_tanh_dropout_softmax", "Dense(6, Tanh) | Dense(4, Softmax)")]
    [InlineData("leaky_elu_softplus", "Dense(4, LeakyReLU(0.1)) | Dense(4, ELU(0.7)) | Dense(2, SoftPlus)")]
    [InlineData("prelu_float64", "Dense(4, PReLU(0.3)) | Dense(2, Identity)")]
    [InlineData("matmul_add_atan", "Dense(4, Arctan) | Dense(2, ReLU)")]
    [InlineData("logsoftmax", "Dense(2, LogSoftmax)")]
    [InlineData("tanh_logsoftmax_float64", "Dense(5, Tanh) | Dense(4, LogSoftmax)")]
    public void A_PyTorch_model_imports_with_its_layers_and_outputs(string name, string layers)
    {
        var net = OnnxModel.ImportNetwork(File(name + ".onnx"));
        Assert.Equal(layers, string.Join(" | ", net.Layers));
        var (x, y, isDouble) = Expected(name);
        double e = isDouble ? RelativeError(y, net.Predict(x)) : RelativeError(y, net.Predict(x), floor: 1);
        Assert.True(e <= (isDouble ? OnnxExportTests.DoubleTolerance : OnnxExportTests.SingleTolerance), $"{name}: relative error {e:E3}");
    }

    [Fact]
    public void Slopes_and_alphas_come_from_the_attributes_and_initializers()
    {
        var leaky = OnnxModel.ImportNetwork(File("leaky_elu_softplus.onnx"));
        Assert.Equal((double)0.1f, leaky.Layers[0].Activation!.Parameter);
        Assert.Equal((double)0.7f, leaky.Layers[1].Activation!.Parameter);
        var prelu = OnnxModel.ImportNetwork(File("prelu_float64.onnx"));
        Assert.Equal((double)0.3f, prelu.Layers[0].Activation!.Parameter); // nn.PReLU fills a float32 weight, then .double() widens it
    }

    /// <summary>
    /// After import the network's analytic gradients (backprop, S15-S17) match central differences
    /// (S17) of its loss for every parameter, including PReLU's α. Loss: mean squared error against
    /// fixed targets. Step h = 1e-5: truncation h²·f‴/6 and rounding ε·J/h are both below 1e-9 of the
    /// gradients here, so 1e-6 relative (COMMON.md's max |a − n| / max(|a|, |n|, tiny)) is a wide margin.
    /// </summary>
    [Theory]
    [InlineData("relu_sigmoid")]
    [InlineData("flatten_tanh_dropout_softmax")]
    [InlineData("leaky_elu_softplus")]
    [InlineData("prelu_float64")]
    [InlineData("matmul_add_atan")]
    [InlineData("logsoftmax")]
    [InlineData("tanh_logsoftmax_float64")]
    public void Gradients_after_import_match_central_differences(string name)
    {
        var net = OnnxModel.ImportNetwork(File(name + ".onnx"));
        var (x, y, _) = Expected(name);
        var rng = new Random(3);
        var targets = new double[y.GetLength(0), y.GetLength(1)];
        for (int i = 0; i < targets.GetLength(0); i++) for (int j = 0; j < targets.GetLength(1); j++) targets[i, j] = rng.NextDouble();
        var analytic = net.ComputeGradients(Loss.MeanSquaredError, x, targets).Gradients.SelectMany(g => g.Values.Cast<double>()).ToArray();

        var X = Matrix<double>.Build.DenseOfArray(x);
        var Y = Matrix<double>.Build.DenseOfArray(targets);
        var theta = NetworkModule.toVector(net.Model);
        double J(double[] t) => NetworkModule.loss(Hybrid.Core.Loss.MeanSquaredError, NetworkModule.ofVector(net.Model, t), X, Y);
        const double h = 1e-5;
        var numeric = new double[theta.Length];
        for (int k = 0; k < theta.Length; k++)
        {
            var plus = (double[])theta.Clone(); plus[k] += h;
            var minus = (double[])theta.Clone(); minus[k] -= h;
            numeric[k] = (J(plus) - J(minus)) / (2 * h);
        }
        Assert.Equal(theta.Length, analytic.Length);
        double diff = analytic.Zip(numeric, (a, n) => Math.Abs(a - n)).Max();
        double scale = Math.Max(1e-300, analytic.Concat(numeric).Max(Math.Abs));
        Assert.True(diff / scale <= 1e-6, $"{name}: relative error {diff / scale:E3}");
    }

    [Fact]
    public void An_imported_model_trains_saves_and_loads_like_any_other()
    {
        var net = OnnxModel.ImportNetwork(File("relu_sigmoid.onnx"));
        var (x, _, _) = Expected("relu_sigmoid");
        var labels = new double[x.GetLength(0), 3];
        for (int i = 0; i < labels.GetLength(0); i++) labels[i, i % 3] = 1;
        double before = net.ComputeLoss(Loss.BinaryCrossEntropy, x, labels);
        var trained = new Trainer(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.5)) { Epochs = 20, BatchSize = 5 }.Fit(net, x, labels).Network;
        Assert.True(trained.ComputeLoss(Loss.BinaryCrossEntropy, x, labels) < before);
        var again = Network.FromJson(trained.ToJson());
        Assert.Equal(trained.Predict(x), again.Predict(x));
        Assert.Equal(trained.ToJson(), OnnxModel.ReadNetwork(trained.ToOnnx()).ToJson());
    }

    /// <summary>Initializers in the typed fields (float_data, double_data) instead of raw_data read the same values.</summary>
    [Theory]
    [InlineData("relu_sigmoid")]
    [InlineData("prelu_float64")]
    public void Typed_data_fields_read_like_raw_data(string name)
    {
        var bytes = System.IO.File.ReadAllBytes(File(name + ".onnx"));
        var model = ModelProto.Parser.ParseFrom(bytes);
        foreach (var t in model.Graph.Initializer)
        {
            var raw = t.RawData.ToByteArray();
            if (t.DataType == 1) t.FloatData.AddRange(Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw, i * 4)));
            else t.DoubleData.AddRange(Enumerable.Range(0, raw.Length / 8).Select(i => BitConverter.ToDouble(raw, i * 8)));
            t.ClearRawData();
        }
        Assert.Equal(OnnxModel.ReadNetwork(bytes).ToJson(), OnnxModel.ReadNetwork(model.ToByteArray()).ToJson());
    }

    /// <summary>The other spellings of a layer: MatMul then Add with the bias first, a Gemm without bias, Identity and Flatten nodes, and Softmax with opset 11's default axis.</summary>
    [Fact]
    public void MatMul_Add_a_Gemm_without_bias_Identity_and_Flatten_read_as_the_same_layers()
    {
        var net = Network.Create(3)
            .Dense(new double[,] { { 1, -2, 3, 0.5 }, { 0.25, 4, -1, 2 }, { -3, 1, 0.5, 1.5 } }, [0.1, -0.2, 0.3, -0.4], Activation.Tanh)
            .Dense(new double[,] { { 1, 2 }, { -1, 0.5 }, { 2, -2 }, { 0.75, 1 } }, [0.6, -0.7], Activation.Softmax).Build();
        var model = ModelProto.Parser.ParseFrom(net.ToOnnx());
        var g = model.Graph;
        // Layer 0: MatMul(input, W) then Add(b, ·).
        var gemm0 = g.Node[0];
        var matmul = new NodeProto { Name = "mm", OpType = "MatMul" };
        matmul.Input.AddRange([gemm0.Input[0], gemm0.Input[1]]);
        matmul.Output.Add("mm.out");
        var add = new NodeProto { Name = "add", OpType = "Add" };
        add.Input.AddRange([gemm0.Input[2], "mm.out"]);
        add.Output.Add(gemm0.Output[0]);
        // Layer 1: a Gemm without its bias input, behind an Identity and a Flatten.
        var gemm1 = g.Node[2];
        var identity = new NodeProto { Name = "id", OpType = "Identity" };
        identity.Input.Add(gemm1.Input[0]);
        identity.Output.Add("id.out");
        var flatten = new NodeProto { Name = "flat", OpType = "Flatten" };
        flatten.Input.Add("id.out");
        flatten.Output.Add("flat.out");
        gemm1.Input.Clear();
        gemm1.Input.AddRange(["flat.out", "layer1.W"]);
        var softmax = g.Node[3];
        softmax.Attribute.Clear();
        var nodes = new[] { matmul, add, g.Node[1], identity, flatten, gemm1, softmax };
        g.Node.Clear();
        g.Node.AddRange(nodes);
        model.OpsetImport.Single(o => o.Domain == "").Version = 11;

        var imported = OnnxModel.ReadNetwork(model.ToByteArray());
        Assert.Equal("Dense(4, Tanh) | Dense(2, Softmax)", string.Join(" | ", imported.Layers));
        var p = net.GetParameters();
        var q = imported.GetParameters();
        Assert.Equal(p[0].Values, q[0].Values);
        Assert.Equal(p[1].Values, q[1].Values);
        Assert.Equal(p[2].Values, q[2].Values);
        Assert.Equal(new double[1, 2], q[3].Values); // no bias: zeros
    }

    /// <summary>
    /// PyTorch's LogSoftmax(dim=1) and LogSoftmax(dim=−1) (axis 1 at opset 13, −1 at opset 17) both read as the
    /// LogSoftmax activation, whose exp rows are the softmax of the same logits; any other axis is refused naming the node.
    /// </summary>
    [Fact]
    public void LogSoftmax_reads_as_the_log_of_softmax_and_another_axis_is_refused_by_name()
    {
        foreach (var name in new[] { "logsoftmax", "tanh_logsoftmax_float64" })
        {
            var net = OnnxModel.ImportNetwork(File(name + ".onnx"));
            Assert.Equal(Activation.LogSoftmax, net.Layers[^1].Activation);
            var (x, _, _) = Expected(name);
            var asSoftmax = Network.FromJson(net.ToJson().Replace("\"logSoftmax\"", "\"softmax\""));
            var p = asSoftmax.Predict(x);
            var l = net.Predict(x);
            // A float32 graph imports as a float32 network, which predicts in float32: softmax and log-softmax are then
            // each within a few float32 roundings (u = 2⁻²⁴ ≈ 6e-8) of the exact values, and e^l carries l's absolute
            // error times p ≤ 1; 1e-6 allows about 16u. In float64 the two agree to 1e-15.
            double tolerance = net.Precision == Precision.Single ? 1e-6 : 1e-15;
            for (int i = 0; i < p.GetLength(0); i++)
                for (int j = 0; j < p.GetLength(1); j++)
                    Assert.True(Math.Abs(Math.Exp(l[i, j]) - p[i, j]) <= tolerance, $"{name}: e^{l[i, j]:R} vs softmax {p[i, j]:R}");
        }
        var model = ModelProto.Parser.ParseFrom(System.IO.File.ReadAllBytes(File("tanh_logsoftmax_float64.onnx")));
        var node = model.Graph.Node.Single(n => n.OpType == "LogSoftmax");
        node.Attribute.Single(a => a.Name == "axis").I = 0;
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(model.ToByteArray()));
        Assert.Contains(node.Name, e.Message);
        Assert.Contains("LogSoftmax", e.Message);
        Assert.Contains("axis 0", e.Message);
    }

    // ------------------------------------------------------------------ bad files

    private static byte[] Exported() =>
        Network.Create(3).Dense(4, Activation.ELU(0.5)).Maxout(2, 2).Dropout(0.3).Dense(2, Activation.Softmax).Build(Initializer.He(7)).ToOnnx();

    private static ModelProto Parse(byte[] bytes) => ModelProto.Parser.ParseFrom(bytes);

    private static InvalidDataException Refused(ModelProto model) => Refused(model.ToByteArray());

    private static InvalidDataException Refused(byte[] bytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(bytes));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Parsing builds objects for what the file holds; nothing is sized by a declared dimension.
        Assert.True(allocated < 1_000_000 + 64L * bytes.Length, $"import allocated {allocated} bytes for a file of {bytes.Length}");
        return e;
    }

    [Fact]
    public void Every_truncation_of_a_model_is_refused_or_reads_a_smaller_valid_prefix_never_a_crash()
    {
        var bytes = Exported();
        int refused = 0;
        for (int n = 0; n < bytes.Length; n++)
        {
            try { OnnxModel.ReadNetwork(bytes[..n]); }
            catch (InvalidDataException) { refused++; }
        }
        // Protobuf has no end marker: a cut between two top-level fields can still parse, but then the
        // graph or the metadata written after it is missing. The graph comes last but for the metadata,
        // so every cut before the metadata is refused.
        Assert.True(refused >= bytes.Length - 64, $"{refused} of {bytes.Length} truncations refused");
        Refused(bytes[..(bytes.Length / 2)]);
        Refused([]);
    }

    /// <summary>Corruption anywhere: 3000 copies of an exported model with one to three bytes overwritten, each either read (a weight changed) or refused with InvalidDataException, never another exception.</summary>
    [Fact]
    public void Random_byte_corruption_is_read_or_refused_never_a_crash()
    {
        var bytes = Exported();
        var rng = new Random(17);
        int refused = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            var copy = (byte[])bytes.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
            try { OnnxModel.ReadNetwork(copy); }
            catch (InvalidDataException) { refused++; }
        }
        Assert.InRange(refused, 300, 3000);
    }

    [Fact]
    public void Files_of_another_kind_are_refused()
    {
        Refused(System.Text.Encoding.UTF8.GetBytes(NetworkTests.Small().ToJson()));
        Refused([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
        var rng = new Random(1);
        for (int i = 0; i < 200; i++)
        {
            var junk = new byte[rng.Next(1, 300)];
            rng.NextBytes(junk);
            Refused(junk);
        }
    }

    [Fact]
    public void An_unknown_op_is_named_with_its_node()
    {
        var model = Parse(Exported());
        model.Graph.Node[1].OpType = "Conv";
        var e = Refused(model);
        Assert.Contains("layer0.activation", e.Message);
        Assert.Contains("Conv", e.Message);
    }

    [Fact]
    public void Mismatched_shapes_are_refused()
    {
        var model = Parse(Exported());
        var w = model.Graph.Initializer.Single(t => t.Name == "layer0.W");
        w.Dims[1] = 5; // declares 3×5 = 15 values but holds 12
        Assert.Contains("layer0.W", Refused(model).Message);

        model = Parse(Exported());
        model.Graph.Initializer.Single(t => t.Name == "layer3.b").Dims[0] = 3;
        Assert.Contains("layer3.b", Refused(model).Message);

        model = Parse(Exported());
        model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue = 4; // the first layer reads 3 columns
        Assert.Contains("layer0.gemm", Refused(model).Message);

        model = Parse(Exported());
        var first = model.Graph.Initializer.Single(t => t.Name == "layer1.W[0]");
        first.Dims.Clear();
        first.Dims.AddRange([2, 4]); // 8 values as 2×4: rows no longer match layer 0's 4 units
        Assert.Contains("layer1.gemm[0]", Refused(model).Message);
    }

    [Fact]
    public void Huge_declared_dimensions_are_refused_before_anything_is_allocated()
    {
        var model = Parse(Exported());
        var w = model.Graph.Initializer.Single(t => t.Name == "layer0.W");
        w.Dims.Clear();
        w.Dims.AddRange([1L << 40, 1L << 40]);
        Assert.Contains("layer0.W", Refused(model).Message);
        w.Dims.Clear();
        w.Dims.AddRange([int.MaxValue, 2]);
        Refused(model);
        w.Dims.Clear();
        w.Dims.AddRange([1 << 20, 1 << 10]); // 2^30 values declared, 12 present
        Refused(model);
        model = Parse(Exported());
        model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue = 1L << 50;
        Refused(model);
    }

    [Fact]
    public void Other_unsupported_graphs_are_refused_with_the_reason()
    {
        var model = Parse(Exported());
        model.Graph.Node[0].Input[0] = "elsewhere"; // the first Gemm no longer reads the input
        Assert.Contains("layer0.gemm", Refused(model).Message);

        model = Parse(Exported());
        model.Graph.Output[0].Name = "layer0.z"; // an inner tensor as output: a branch
        Refused(model);

        model = Parse(Exported());
        var f = model.Functions.Single(f => f.Name == "ELU");
        f.Node[0].Attribute[0].T.RawData = ByteString.CopyFrom(BitConverter.GetBytes(0.5)); // a changed constant in the body
        Assert.Contains("hybrid.ELU", Refused(model).Message);

        model = Parse(Exported());
        var nan = model.Graph.Initializer.Single(t => t.Name == "layer0.b");
        var raw = nan.RawData.ToByteArray();
        BitConverter.GetBytes(double.NaN).CopyTo(raw, 0);
        nan.RawData = ByteString.CopyFrom(raw);
        Assert.Contains("layer0.gemm", Refused(model).Message);

        model = Parse(Exported());
        model.Graph.Input.Add(model.Graph.Input[0].Clone());
        model.Graph.Input[1].Name = "second";
        Assert.Contains("2 inputs", Refused(model).Message);

        model = Parse(Exported());
        model.OpsetImport[0].Version = 5;
        Assert.Contains("opset 5", Refused(model).Message);
    }
}
