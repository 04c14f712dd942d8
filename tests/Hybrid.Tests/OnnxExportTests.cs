using FsCheck.Xunit;
using Google.Protobuf;
using Hybrid.Onnx.Proto;
using static Hybrid.Tests.OnnxTestSupport;

namespace Hybrid.Tests;

/// <summary>
/// Export to ONNX, checked by ONNX Runtime 1.31.1 (CPU) as the independent implementation: for
/// generated networks over every S04 activation, maxout and dropout, ONNX Runtime's outputs equal
/// Predict's (docs/onnx.md).
/// </summary>
public sealed class OnnxExportTests
{
    /// <summary>
    /// float64: both sides compute the same formulas in double; only the order of the sums in the
    /// matrix products and the last bits of exp/log/tanh differ, a few ulps that the layers carry
    /// forward (measured: at most 3.2e-15 over 300 generated cases, 900 batches). The error is
    /// measured against max(|output|, 1), not the output alone: ONNX Runtime's double Sigmoid is
    /// accurate to a few ulps of 1, not of σ(z), for very negative z (a Swish output of −2.0e-11 at
    /// z ≈ −27 came back 7.2e-5 off relatively, 1.4e-15 absolutely), so outputs far below 1 are
    /// compared absolutely.
    /// </summary>
    public const double DoubleTolerance = 1e-12;

    /// <summary>
    /// float32: the weights and inputs are rounded to float (6e-8 relative) and ONNX Runtime computes
    /// in float, so the error is a few float ulps of the magnitudes inside the network (inputs up to 3,
    /// weights up to 1.5, sums of up to 5 terms), not of the output, which may be small after
    /// cancellation. Measured against max(|output|, 1): at most 1.4e-6 over 300 generated cases;
    /// the bound 1e-5 leaves a margin of about 7.
    /// </summary>
    public const double SingleTolerance = 1e-5;

    [Property(MaxTest = 40, Arbitrary = [typeof(OnnxArbitraries)])]
    public void ONNX_Runtime_agrees_with_Predict_in_float64(NetCase c) => AgreesInFloat64(c);

    [Fact]
    public void ONNX_Runtime_agrees_with_Predict_in_float64_where_a_Swish_output_is_tiny() =>
        // The case that found the floor: Maxout, then a LogSoftmax layer, then Swish at z ≈ −27.
        AgreesInFloat64(new NetCase(1589573013, ["Maxout", "LogSoftmax", "Swish"], [1, 18, 19]));

    private static void AgreesInFloat64(NetCase c)
    {
        var net = c.Network();
        var batches = c.Batches(net.InputCount);
        var ort = Run(net.ToOnnx(), batches, OnnxPrecision.Double);
        for (int b = 0; b < batches.Count; b++)
        {
            double e = RelativeError(net.Predict(batches[b]), ort[b], floor: 1);
            Assert.True(e <= DoubleTolerance, $"{c}: batch {b} of {batches[b].GetLength(0)} rows, relative error {e:E3}");
        }
    }

    [Property(MaxTest = 15, Arbitrary = [typeof(OnnxArbitraries)])]
    public void ONNX_Runtime_agrees_with_Predict_in_float32(NetCase c)
    {
        var net = c.Network();
        var batches = c.Batches(net.InputCount);
        var ort = Run(net.ToOnnx(OnnxPrecision.Single), batches, OnnxPrecision.Single);
        for (int b = 0; b < batches.Count; b++)
        {
            double e = RelativeError(net.Predict(batches[b]), ort[b], floor: 1);
            Assert.True(e <= SingleTolerance, $"{c}: batch {b} of {batches[b].GetLength(0)} rows, relative error {e:E3}");
        }
    }

    [Property(MaxTest = 40, Arbitrary = [typeof(OnnxArbitraries)])]
    public void Export_then_import_gives_the_same_parameters_bit_for_bit(NetCase c)
    {
        var net = c.Network();
        var again = OnnxModel.ReadNetwork(net.ToOnnx());
        Assert.Equal(net.ToJson(), again.ToJson());
        var a = net.GetParameters();
        var b = again.GetParameters();
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Name, b[i].Name);
            Assert.Equal(a[i].Values.Cast<double>().Select(BitConverter.DoubleToInt64Bits), b[i].Values.Cast<double>().Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Property(MaxTest = 20, Arbitrary = [typeof(OnnxArbitraries)])]
    public void Float32_export_then_import_gives_the_parameters_rounded_to_float(NetCase c)
    {
        var net = c.Network();
        var again = OnnxModel.ReadNetwork(net.ToOnnx(OnnxPrecision.Single));
        Assert.Equal(net.Layers.Select(l => (l.Kind, l.Inputs, l.Units, l.Pieces)), again.Layers.Select(l => (l.Kind, l.Inputs, l.Units, l.Pieces)));
        var a = net.GetParameters();
        var b = again.GetParameters();
        for (int i = 0; i < a.Count; i++)
            Assert.Equal(a[i].Values.Cast<double>().Select(v => (double)(float)v), b[i].Values.Cast<double>());
        for (int l = 0; l < net.Layers.Count; l++)
        {
            Assert.Equal(net.Layers[l].Activation?.Name.Split('(')[0], again.Layers[l].Activation?.Name.Split('(')[0]);
            Assert.Equal(net.Layers[l].Activation?.Parameter is double p ? (float)p : null, again.Layers[l].Activation?.Parameter);
            Assert.Equal((float)net.Layers[l].DropoutRate, again.Layers[l].DropoutRate);
        }
    }

    /// <summary>
    /// Each activation over a wide range of z, one layer z ↦ g(z) entry by entry. ONNX Runtime's
    /// double exp and sigmoid differ from .NET's by an ulp or two of max(|g|, 1) (its sigmoid far in
    /// the negative tail, ELU's e^z − 1 near 0 and softplus's log near 1e-4 are accurate in absolute,
    /// not relative, terms), so the bound is 2e-15·max(|g|, 1). Arctan, built by Hybrid from Cephes'
    /// rational form, is held to 4e-16 relative against Math.Atan.
    /// </summary>
    [Theory]
    [InlineData("Arctan")]
    [InlineData("SoftPlus")]
    [InlineData("ELU")]
    [InlineData("LeakyReLU")]
    [InlineData("BinaryStep")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    public void Each_activation_matches_entry_by_entry_from_tiny_to_huge_arguments(string name)
    {
        var g = name switch { "ELU" => Activation.ELU(0.7), "LeakyReLU" => Activation.LeakyReLU(0.01), _ => (Activation)typeof(Activation).GetProperty(name)!.GetValue(null)! };
        var net = Network.Create(1).Dense(new double[,] { { 1 } }, [0], g).Build();
        var zs = new List<double> { 0, 1e-300, -1e-300, 0.66, 2.414213562373095, 9.2103, 1e-4, 30, -30, 700, -700, 1e300, -1e300 };
        for (double e = -20; e <= 20; e += 0.137) { zs.Add(Math.Pow(10, e)); zs.Add(-Math.Pow(10, e)); }
        var rng = new Random(5);
        for (int i = 0; i < 2000; i++) zs.Add(-12 + 24 * rng.NextDouble());
        var x = new double[zs.Count, 1];
        for (int i = 0; i < zs.Count; i++) x[i, 0] = zs[i];
        var ort = Run(net.ToOnnx(), [x], OnnxPrecision.Double)[0];
        var expected = net.Predict(x);
        for (int i = 0; i < zs.Count; i++)
        {
            double err = Math.Abs(ort[i, 0] - expected[i, 0]) / Math.Max(Math.Abs(expected[i, 0]), 1);
            Assert.True(err <= 2e-15, $"{name}({zs[i]:R}) = {ort[i, 0]:R} in ONNX Runtime but {expected[i, 0]:R} in Predict: error {err:E2} of max(|g|, 1)");
            if (name == "Arctan")
            {
                double reference = Math.Atan(zs[i]);
                double relative = Math.Abs(ort[i, 0] - reference) / Math.Max(Math.Abs(reference), double.Epsilon);
                Assert.True(relative <= 4e-16, $"Arctan({zs[i]:R}) = {ort[i, 0]:R} in ONNX Runtime but Math.Atan gives {reference:R}: relative error {relative:E2}");
            }
        }
    }

    /// <summary>
    /// LogSoftmax over rows whose logits spread up to ±1000 (softmax underflows to 0 there, so log(softmax) would be −∞):
    /// ONNX Runtime's double LogSoftmax and Predict both subtract the row max, so they agree to a few ulps of max(|l|, 1).
    /// </summary>
    [Fact]
    public void LogSoftmax_matches_ONNX_Runtime_in_double_where_softmax_underflows()
    {
        var net = Network.Create(3).Dense(new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, [0, 0, 0], Activation.LogSoftmax).Build();
        var model = ModelProto.Parser.ParseFrom(net.ToOnnx());
        var node = model.Graph.Node.Single(n => n.OpType == "LogSoftmax");
        Assert.Equal(-1, node.Attribute.Single(a => a.Name == "axis").I);
        Assert.True(model.OpsetImport.Single(o => o.Domain == "").Version >= 13); // LogSoftmax's axis −1 semantics
        var x = new double[,] { { 1000, -1000, 0 }, { 0, 0, 0 }, { -745, 3, 709 }, { 1e-300, -2.5, 40 }, { -1000, -999, -998 } };
        var ort = Run(net.ToOnnx(), [x], OnnxPrecision.Double)[0];
        var expected = net.Predict(x);
        for (int i = 0; i < x.GetLength(0); i++)
            for (int j = 0; j < 3; j++)
            {
                Assert.True(double.IsFinite(expected[i, j]));
                Assert.True(Math.Abs(ort[i, j] - expected[i, j]) <= 2e-15 * Math.Max(Math.Abs(expected[i, j]), 1), $"row {i} column {j}: {ort[i, j]:R} in ONNX Runtime, {expected[i, j]:R} in Predict");
            }
        Assert.Equal(-2000, expected[0, 1]);
    }

    [Fact]
    public void The_model_names_its_producer_opset_input_and_output_with_a_dynamic_batch()
    {
        var net = Network.Create(3).Dense(4, Activation.Arctan).Dense(2, Activation.Softmax).Build(Initializer.He(1));
        var model = ModelProto.Parser.ParseFrom(net.ToOnnx());
        Assert.Equal("Hybrid", model.ProducerName);
        Assert.False(string.IsNullOrEmpty(model.ProducerVersion));
        Assert.Equal(8, model.IrVersion);
        Assert.Contains(model.OpsetImport, o => o.Domain == "" && o.Version == 17);
        Assert.Contains(model.OpsetImport, o => o.Domain == "hybrid" && o.Version == 1);
        var input = Assert.Single(model.Graph.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal(11, input.Type.TensorType.ElemType);
        Assert.Equal("N", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(3, input.Type.TensorType.Shape.Dim[1].DimValue);
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal("output", output.Name);
        Assert.Equal("N", output.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(2, output.Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal(["Gemm", "Arctan", "Gemm", "Softmax"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal("Arctan", Assert.Single(model.Functions).Name);
        var single = ModelProto.Parser.ParseFrom(net.ToOnnx(OnnxPrecision.Single));
        Assert.Equal(["Gemm", "Atan", "Gemm", "Softmax"], single.Graph.Node.Select(n => n.OpType));
        Assert.Empty(single.Functions);
        Assert.Equal(1, single.Graph.Input[0].Type.TensorType.ElemType);
    }

    [Fact]
    public void Gemm_weights_are_stored_inputs_by_units_and_read_back_as_such()
    {
        // W = [[1, 2, 3], [4, 5, 6]] (2 inputs, 3 units): Z = X·W + b with x = (1, 10) gives (41, 52, 63) + b.
        var net = Network.Create(2).Dense(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, [0.5, 0, -0.5], Activation.Identity).Build();
        var model = ModelProto.Parser.ParseFrom(net.ToOnnx());
        var w = model.Graph.Initializer.Single(t => t.Name == "layer0.W");
        Assert.Equal([2L, 3L], w.Dims);
        var ort = Run(net.ToOnnx(), [new double[,] { { 1, 10 } }], OnnxPrecision.Double)[0];
        Assert.Equal(new double[,] { { 41.5, 52, 62.5 } }, ort);
    }

    [Fact]
    public void ExportOnnx_writes_a_file_that_ImportOnnx_reads_and_checks_its_arguments()
    {
        var dir = Directory.CreateTempSubdirectory("hybrid-onnx-").FullName;
        try
        {
            var net = NetworkTests.Small();
            var path = Path.Combine(dir, "model.onnx");
            net.ExportOnnx(path);
            Assert.Equal(net.ToOnnx(), File.ReadAllBytes(path));
            Assert.Equal(net.ToJson(), OnnxModel.ImportNetwork(path).ToJson());
            net.ExportOnnx(path, OnnxPrecision.Single);
            Assert.Equal(net.ToOnnx(OnnxPrecision.Single), File.ReadAllBytes(path));
            Assert.Throws<ArgumentException>("path", () => net.ExportOnnx(" "));
            Assert.Throws<ArgumentException>("path", () => net.ExportOnnx(dir));
            Assert.Throws<ArgumentOutOfRangeException>("precision", () => net.ToOnnx((OnnxPrecision)7));
            Assert.Throws<DirectoryNotFoundException>(() => net.ExportOnnx(Path.Combine(dir, "no", "model.onnx")));
            Assert.Throws<ArgumentException>("path", () => OnnxModel.ImportNetwork(""));
            Assert.Throws<ArgumentException>("path", () => OnnxModel.ImportNetwork(dir));
            Assert.Throws<FileNotFoundException>(() => OnnxModel.ImportNetwork(Path.Combine(dir, "missing.onnx")));
            Assert.Throws<ArgumentNullException>("model", () => OnnxModel.ReadNetwork(null!));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}

/// <summary>The model's preprocessing as ops in front (S30): ONNX Runtime on the raw features equals Predict on the transformed ones.</summary>
public sealed class OnnxPreprocessingTests
{
    public static TheoryData<string, int> Cases() => new()
    {
        { "none", 1 }, { "standardize", 2 }, { "standardize", 3 }, { "pca", 4 }, { "pca", 5 }, { "whiten", 6 }, { "whiten", 7 }, { "whiten-all", 8 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ONNX_Runtime_on_raw_features_equals_Predict_after_the_transform(string kind, int seed)
    {
        var (pre, net, x, rows) = Fitted(kind, seed);
        var expected = net.Predict(pre.Transform(rows));
        var ort = OnnxTestSupport.Run(net.ToOnnx(pre, OnnxPrecision.Double), [x], OnnxPrecision.Double)[0];
        var e = OnnxTestSupport.RelativeError(ToArray(expected), ort);
        Assert.True(e <= OnnxExportTests.DoubleTolerance, $"{kind} (seed {seed}): relative error {e:E3}");
        var single = OnnxTestSupport.Run(net.ToOnnx(pre, OnnxPrecision.Single), [x], OnnxPrecision.Single)[0];
        Assert.True(OnnxTestSupport.RelativeError(ToArray(expected), single, floor: 1) <= 1e-4, $"{kind} float32");
    }

    /// <summary>
    /// Model export then import (float64): the network's parameters and the preprocessing's mean, standard deviations,
    /// components, variances and ε come back bit for bit, and the imported model's Predict on raw features equals
    /// ONNX Runtime's output on the same file. In float32 the graph's constants come back rounded to float (the
    /// variances and ε, kept in the metadata as text, exactly) and Predict agrees with ONNX Runtime in float.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Model_export_then_import_gives_the_preprocessing_and_parameters_back_bit_for_bit(string kind, int seed)
    {
        var (pre, net, x, rows) = Fitted(kind, seed);
        var model = new Model(net, pre);
        var bytes = model.ToOnnx();
        var back = OnnxModel.ReadModel(bytes);
        Assert.Equal(model.ToJson(), back.ToJson());
        static long[] Bits(IEnumerable<double> v) => v.Select(BitConverter.DoubleToInt64Bits).ToArray();
        Assert.Equal(pre.Kind, back.Preprocessor.Kind);
        Assert.Equal(Bits(pre.Mean), Bits(back.Preprocessor.Mean));
        Assert.Equal(Bits(pre.StandardDeviation), Bits(back.Preprocessor.StandardDeviation));
        Assert.Equal(Bits(pre.Variances), Bits(back.Preprocessor.Variances));
        Assert.Equal(BitConverter.DoubleToInt64Bits(pre.Epsilon), BitConverter.DoubleToInt64Bits(back.Preprocessor.Epsilon));
        if (pre.Kind is Data.PreprocessingKind.Pca or Data.PreprocessingKind.Whiten)
            Assert.Equal(Bits(pre.GetComponents().Cast<double>()), Bits(back.Preprocessor.GetComponents().Cast<double>()));
        var p = net.GetParameters();
        var q = back.Network.GetParameters();
        Assert.Equal(p.Count, q.Count);
        for (int i = 0; i < p.Count; i++) Assert.Equal(Bits(p[i].Values.Cast<double>()), Bits(q[i].Values.Cast<double>()));

        var ort = OnnxTestSupport.Run(bytes, [x], OnnxPrecision.Double)[0];
        Assert.True(OnnxTestSupport.RelativeError(ToArray(back.Predict(rows)), ort) <= OnnxExportTests.DoubleTolerance, kind);

        var single = model.ToOnnx(OnnxPrecision.Single);
        var rounded = OnnxModel.ReadModel(single);
        Assert.Equal(pre.Kind, rounded.Preprocessor.Kind);
        Assert.Equal(pre.Mean.Select(v => (double)(float)v), rounded.Preprocessor.Mean);
        Assert.Equal(pre.StandardDeviation.Select(v => (double)(float)v), rounded.Preprocessor.StandardDeviation);
        Assert.Equal(Bits(pre.Variances), Bits(rounded.Preprocessor.Variances));
        var ortSingle = OnnxTestSupport.Run(single, [x], OnnxPrecision.Single)[0];
        Assert.True(OnnxTestSupport.RelativeError(ToArray(rounded.Predict(rows)), ortSingle, floor: 1) <= OnnxExportTests.SingleTolerance, $"{kind} float32");
    }

    private static (Data.Preprocessor Pre, Network Net, double[,] X, double[][] Rows) Fitted(string kind, int seed)
    {
        var rng = new Random(seed);
        int d = rng.Next(2, 6);
        // Correlated features on different scales, so that every transform changes them.
        var mix = new double[d, d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) mix[i, j] = rng.NextDouble() * 2 - 1;
        var train = new double[60][];
        for (int r = 0; r < train.Length; r++)
        {
            var z = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
            train[r] = Enumerable.Range(0, d).Select(j => 5 * j + (j + 1) * Enumerable.Range(0, d).Sum(k => mix[j, k] * z[k])).ToArray();
        }
        int k = Math.Max(1, d - 1);
        var pre = kind switch
        {
            "none" => Data.Preprocessor.None(d),
            "standardize" => Data.Preprocessor.FitStandardize(train),
            "pca" => Data.Preprocessor.FitPca(train, k),
            "whiten" => Data.Preprocessor.FitWhitening(train, k),
            _ => Data.Preprocessor.FitWhitening(train, d),
        };
        var net = Network.Create(pre.OutputCount).Dense(4, Activation.Tanh).Dense(2, Activation.Softmax).Build(Initializer.Default(seed));
        var x = new double[7, d];
        for (int i = 0; i < 7; i++) for (int j = 0; j < d; j++) x[i, j] = train[i * 3][j] + rng.NextDouble() - 0.5;
        var rows = Enumerable.Range(0, 7).Select(i => Enumerable.Range(0, d).Select(j => x[i, j]).ToArray()).ToArray();
        return (pre, net, x, rows);
    }

    private static double[,] ToArray(double[][] rows)
    {
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++) for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    [Fact]
    public void A_preprocessor_must_fit_the_network()
    {
        var net = Network.Create(3).Dense(2, Activation.ReLU).Build(Initializer.He(1));
        Assert.Throws<ArgumentException>("preprocessor", () => net.ToOnnx(Data.Preprocessor.None(4), OnnxPrecision.Double));
        Assert.Throws<ArgumentNullException>("preprocessor", () => net.ToOnnx(null!, OnnxPrecision.Double));
        var bytes = net.ToOnnx(Data.Preprocessor.FitStandardize(new[] { new[] { 1.0, 2, 3 }, new[] { 2.0, 0, 1 } }), OnnxPrecision.Double);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(bytes));
        Assert.Contains("Sub, Div", e.Message);
        Assert.Contains("OnnxModel.ImportModel", e.Message);
        Assert.Equal(net.ToJson(), OnnxModel.ReadModel(bytes).Network.ToJson());
        Assert.Equal(Data.PreprocessingKind.None, OnnxModel.ReadModel(net.ToOnnx()).Preprocessor.Kind);
        Assert.Throws<ArgumentNullException>("model", () => OnnxModel.ReadModel(null!));
    }

    /// <summary>
    /// Another tool's standardisation: Sub and Div with [1, d] float constants of its own names and no Hybrid metadata, in
    /// front of a float32 network. OnnxModel.ReadModel reads μ and σ from the constants (widened exactly) and Predict on raw
    /// features equals ONNX Runtime's output within the float32 tolerance.
    /// </summary>
    [Fact]
    public void Another_tools_Sub_Div_prefix_reads_as_standardisation()
    {
        var net = Network.Create(3).Dense(4, Activation.Tanh).Dense(2, Activation.LogSoftmax).Build(Initializer.Default(9));
        var model = ModelProto.Parser.ParseFrom(net.ToOnnx(OnnxPrecision.Single));
        float[] mean = [10.5f, -3.25f, 0.125f], std = [2.5f, 0.5f, 4f];
        TensorProto Constant(string name, float[] v)
        {
            var t = new TensorProto { Name = name, DataType = 1 };
            t.Dims.AddRange([1, v.Length]);
            t.FloatData.AddRange(v);
            return t;
        }
        model.Graph.Initializer.Add(Constant("scaler_mean", mean));
        model.Graph.Initializer.Add(Constant("scaler_scale", std));
        var sub = new NodeProto { Name = "Scaler/Sub", OpType = "Sub" };
        sub.Input.AddRange(["input", "scaler_mean"]);
        sub.Output.Add("centred");
        var div = new NodeProto { Name = "Scaler/Div", OpType = "Div" };
        div.Input.AddRange(["centred", "scaler_scale"]);
        div.Output.Add("scaled");
        model.Graph.Node[0].Input[0] = "scaled";
        model.Graph.Node.Insert(0, div);
        model.Graph.Node.Insert(0, sub);
        var bytes = model.ToByteArray();

        var read = OnnxModel.ReadModel(bytes);
        Assert.Equal(Data.PreprocessingKind.Standardize, read.Preprocessor.Kind);
        Assert.Equal(mean.Select(v => (double)v), read.Preprocessor.Mean);
        Assert.Equal(std.Select(v => (double)v), read.Preprocessor.StandardDeviation);
        double[][] rows = [[11, -3, 0], [8.5, -2.75, 4], [10.5, -3.25, 0.125]];
        var x = new double[3, 3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) x[i, j] = rows[i][j];
        var ort = OnnxTestSupport.Run(bytes, [x], OnnxPrecision.Single)[0];
        Assert.True(OnnxTestSupport.RelativeError(ToArray(read.Predict(rows)), ort, floor: 1) <= OnnxExportTests.SingleTolerance);
        Assert.Contains("OnnxModel.ImportModel", Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(bytes)).Message);
    }

    /// <summary>Every truncation and 2000 random corruptions (one to three bytes) of a whitened model's ONNX file are read or refused with InvalidDataException by OnnxModel.ReadModel, never another exception (the prefix and its metadata included).</summary>
    [Fact]
    public void Truncated_or_corrupted_models_with_a_prefix_are_read_or_refused_never_a_crash()
    {
        var (pre, net, _, _) = Fitted("whiten", 6);
        var bytes = new Model(net, pre).ToOnnx();
        int refused = 0;
        for (int n = 0; n < bytes.Length; n++)
        {
            try { OnnxModel.ReadModel(bytes[..n]); }
            catch (InvalidDataException) { refused++; }
        }
        Assert.True(refused >= bytes.Length / 2, $"{refused} of {bytes.Length} truncations refused");
        var rng = new Random(23);
        refused = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var copy = (byte[])bytes.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
            try { OnnxModel.ReadModel(copy); }
            catch (InvalidDataException) { refused++; }
        }
        Assert.InRange(refused, 200, 2000);
    }

    /// <summary>A prefix Hybrid cannot read exactly is refused naming the node: PCA without the metadata variances, a whitening scale that disagrees with them, a kind that disagrees with the graph, a zero σ, a Sub followed by a layer.</summary>
    [Fact]
    public void A_prefix_that_cannot_be_read_exactly_is_refused_naming_the_node()
    {
        var (pca, netPca, _, _) = Fitted("pca", 4);
        var (whiten, netWhiten, _, _) = Fitted("whiten", 6);
        var (standard, netStandard, _, _) = Fitted("standardize", 2);
        ModelProto Parse(Model m) => ModelProto.Parser.ParseFrom(m.ToOnnx());
        InvalidDataException Refused(ModelProto m) => Assert.Throws<InvalidDataException>(() => OnnxModel.ReadModel(m.ToByteArray()));

        var noVariances = Parse(new Model(netPca, pca));
        noVariances.MetadataProps.Remove(noVariances.MetadataProps.Single(p => p.Key == "hybrid.preprocessing.variances"));
        var e = Refused(noVariances);
        Assert.Contains("preprocess.matmul", e.Message);
        Assert.Contains("hybrid.preprocessing.variances", e.Message);

        var scale = Parse(new Model(netWhiten, whiten));
        var s = scale.Graph.Initializer.Single(t => t.Name == "preprocess.scale");
        var raw = s.RawData.ToByteArray();
        BitConverter.GetBytes(BitConverter.ToDouble(raw, 0) * (1 + 1e-15)).CopyTo(raw, 0);
        s.RawData = ByteString.CopyFrom(raw);
        e = Refused(scale);
        Assert.Contains("preprocess.mul", e.Message);
        Assert.Contains("whitening scale of component 1", e.Message);

        var kind = Parse(new Model(netPca, pca));
        kind.MetadataProps.Single(p => p.Key == "hybrid.preprocessing").Value = "whiten";
        Assert.Contains("says \"whiten\"", Refused(kind).Message);

        var zero = Parse(new Model(netStandard, standard));
        var std = zero.Graph.Initializer.Single(t => t.Name == "preprocess.std");
        raw = std.RawData.ToByteArray();
        BitConverter.GetBytes(0.0).CopyTo(raw, 0);
        std.RawData = ByteString.CopyFrom(raw);
        e = Refused(zero);
        Assert.Contains("preprocess.div", e.Message);
        Assert.Contains("column 0", e.Message);

        var subOnly = Parse(new Model(netStandard, standard));
        var div = subOnly.Graph.Node.Single(n => n.OpType == "Div");
        subOnly.Graph.Node.Remove(div);
        subOnly.Graph.Node.Single(n => n.Name == "layer0.gemm").Input[0] = "preprocess.centred";
        e = Refused(subOnly);
        Assert.Contains("layer0.gemm", e.Message);
        Assert.Contains("Sub", e.Message);
    }
}
