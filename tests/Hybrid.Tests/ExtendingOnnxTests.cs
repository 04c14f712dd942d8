using Google.Protobuf;
using Hybrid.Onnx.Proto;
using Registry = Hybrid.Core.Interop.Activations;
using static Hybrid.Tests.OnnxTestSupport;

namespace Hybrid.Tests;

/// <summary>
/// A user's activation with an ONNX expression (<see cref="ActivationOptions.Onnx"/>; docs/extending.md): the expression's
/// parser (well-formed text reads back as the same canonical spelling, malformed text is refused with its position), and
/// export, ONNX Runtime and import of a network that uses it. ONNX Runtime is the independent implementation: its output is
/// compared with <c>Predict</c>, which runs the user's struct or lambdas, so the comparison holds only if the expression
/// computes g; a wrong expression is shown to fail it.
/// </summary>
public sealed class ExtendingOnnxTests
{
    private static int _names;

    /// <summary>A name no other test uses (registration lasts for the process).</summary>
    private static string Fresh(string stem) => $"{stem}{Interlocked.Increment(ref _names)}";

    /// <summary>Swish, z·σ(z), in ONNX ops.</summary>
    private const string SwishOnnx = "Mul(Z, Sigmoid(Z))";

    /// <summary>
    /// Mish, z·tanh(softplus z), with softplus written max(z, 0) + ln(1 + e^(−|z|)) (as MyMish computes it): ONNX Runtime
    /// has no double Softplus kernel, and the function's body is the same in float32 and float64.
    /// </summary>
    private const string MishOnnx = "Mul(Z, Tanh(Add(Max(Z, 0), Log(Add(1, Exp(Neg(Abs(Z))))))))";

    /// <summary>GELU's tanh form, ½z(1 + tanh(√(2/π)(z + 0.044715z³))), as MyGelu computes it.</summary>
    private const string GeluOnnx = "Mul(Mul(0.5, Z), Add(1, Tanh(Mul(0.7978845608028654, Add(Z, Mul(0.044715, Mul(Z, Mul(Z, Z))))))))";

    private static string TextOf(ActivationDefinition d)
    {
        var entry = Registry.Of(d.Core);
        Assert.Equal("Function", entry.OnnxDouble.Kind);
        Assert.Equal(entry.OnnxDouble.Body.Text, entry.OnnxSingle.Body.Text);
        return entry.OnnxDouble.Body.Text;
    }

    // ------------------------------------------------------------------ the parser

    [Theory]
    [InlineData(SwishOnnx)]
    [InlineData(MishOnnx)]
    [InlineData(GeluOnnx)]
    [InlineData("Z")]
    [InlineData("Add(Z, -1)")]
    [InlineData("Where(Greater(Z, 0), Z, Mul(0.5, Z))")]
    [InlineData("Mul(0.001, Sub(Z, 2.5))")]
    [InlineData("Sum(Z, Z, Z, 1)")]
    public void A_well_formed_expression_reads_back_as_the_same_text(string text) =>
        Assert.Equal(text, TextOf(ActivationDefinition.Create<MySwish>(Fresh("parsed"), new() { Onnx = text })));

    [Theory]
    [InlineData("  Mul( Z ,Sigmoid (Z) ) ", SwishOnnx)]
    [InlineData("Mul(1e-3, Z)", "Mul(0.001, Z)")]
    [InlineData("Mul(1E+2, Z)", "Mul(100, Z)")]
    [InlineData("Add(Z, 5.)", "Add(Z, 5)")]
    [InlineData("Add(Z, .25)", "Add(Z, 0.25)")]
    [InlineData("Add(Z, -0.50)", "Add(Z, -0.5)")]
    [InlineData("Mul(Z,1,5)", "Mul(Z, 1, 5)")]   // a comma separates arguments, never decimals (invariant culture)
    public void Other_spellings_read_as_the_canonical_text(string text, string canonical) =>
        Assert.Equal(canonical, TextOf(ActivationDefinition.Create<MySwish>(Fresh("spelled"), new() { Onnx = text })));

    [Fact]
    public void Without_an_expression_the_onnx_form_is_unavailable()
    {
        var entry = Registry.Of(ActivationDefinition.Create<MySwish>(Fresh("none")).Core);
        Assert.Equal("Unavailable", entry.OnnxDouble.Kind);
        Assert.Equal("Unavailable", entry.OnnxSingle.Kind);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("   ", "must not be empty")]
    [InlineData("Mul(Z, Sigmoid(Z)", "at position 18: expected ',' or ')' in the arguments of Mul")]
    [InlineData("Mul(Z, Sigmoid(Z)))", "at position 19: expected the end of the expression")]
    [InlineData("Mul(Z, Z) Z", "at position 11: expected the end of the expression")]
    [InlineData("Mul(Z Z)", "at position 7: expected ',' or ')' in the arguments of Mul, but found \"Z)\"")]
    [InlineData("Mul()", "at position 5: expected Z, a number or an op")]
    [InlineData("Mul(Z,)", "at position 7: expected Z, a number or an op")]
    [InlineData("Sigmoid", "at position 8: expected '(' after the op Sigmoid")]
    [InlineData("X", "at position 2: expected '(' after the op X (the only variable is Z)")]
    [InlineData("Mul(Z, -)", "at position 8: expected a number")]
    [InlineData("Mul(Z, 1e)", "at position 9: expected an exponent's digits")]
    [InlineData("Mul(Z, 2x)", "at position 9: expected ',' or ')' after a number")]
    [InlineData("Mul(Z, 1e999)", "at position 8: expected a finite number")]
    [InlineData("Softmax(Z, axis=-1)", "at position 12: expected an argument: Z, a number or an op (attributes such as axis=-1 are not supported)")]
    [InlineData("Add(1, 2)", "never reads Z")]
    [InlineData("0.5", "never reads Z")]
    [InlineData("Mul(Z; 2)", "at position 6: expected ',' or ')'")]
    public void A_malformed_expression_is_refused_naming_options_the_position_and_what_was_expected(string text, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => ActivationDefinition.Create<MySwish>(Fresh("malformed"), new() { Onnx = text }));
        Assert.Equal("options", e.ParamName);
        Assert.Contains(message, e.Message);
        // The lambda form reads the same option.
        var l = Assert.ThrowsAny<ArgumentException>(() => ActivationDefinition.Create(Fresh("malformedLambda"), z => z, (z, a) => 1, new() { Onnx = text }));
        Assert.Equal("options", l.ParamName);
        Assert.Contains(message, l.Message);
    }

    [Fact]
    public void Nesting_and_length_are_bounded_with_a_message_not_a_stack_overflow()
    {
        string deep = string.Concat(Enumerable.Repeat("Neg(", 10_000)) + "Z" + new string(')', 10_000);
        var e = Assert.ThrowsAny<ArgumentException>(() => ActivationDefinition.Create<MySwish>(Fresh("deep"), new() { Onnx = deep[..4000] }));
        Assert.Equal("options", e.ParamName);
        Assert.Contains("at most 64 nested ops", e.Message);
        var l = Assert.ThrowsAny<ArgumentException>(() => ActivationDefinition.Create<MySwish>(Fresh("long"), new() { Onnx = deep }));
        Assert.Equal("options", l.ParamName);
        Assert.Contains("at most 4096 characters", l.Message);
        Assert.True(l.Message.Length < 300, l.Message);
        // 64 levels are read.
        string ok = string.Concat(Enumerable.Repeat("Neg(", 64)) + "Z" + new string(')', 64);
        Assert.Equal(ok, TextOf(ActivationDefinition.Create<MySwish>(Fresh("deepOk"), new() { Onnx = ok })));
    }

    // ------------------------------------------------------------------ export, ONNX Runtime, import

    /// <summary>Rows in [−3, 3]³ from a seed, and a few far out (±30) where Swish's and Mish's tails are.</summary>
    private static double[,] Inputs(int seed)
    {
        var r = new Random(seed);
        var x = new double[40, 3];
        for (int i = 0; i < 36; i++)
            for (int j = 0; j < 3; j++) x[i, j] = 6 * r.NextDouble() - 3;
        for (int i = 36; i < 40; i++)
            for (int j = 0; j < 3; j++) x[i, j] = (i % 2 == 0 ? 30 : -30) * (j + 1) / 3.0;
        return x;
    }

    private static Network NetworkWith(Activation g, int seed) =>
        Network.Create(inputs: 3).Dense(6, g).Dense(4, g).Dense(2, Activation.Identity).Build(Initializer.XavierNormal(seed));

    public static TheoryData<string> Users() => new(["swish", "mish", "gelu"]);

    /// <summary>The user's activation of the kind, registered under a fresh name (one with '-' and '.', which a model-local function's name may hold).</summary>
    private static Activation Registered(string kind, string? onnx = null) => kind switch
    {
        "swish" => Activation.Register(ActivationDefinition.Create<MySwish>(Fresh("my-swish.v"), new() { Onnx = onnx ?? SwishOnnx })),
        "mish" => Activation.Register(ActivationDefinition.Create<MyMish>(Fresh("myMish"), new() { Onnx = onnx ?? MishOnnx })),
        // The lambda form, for the other DefineActivation overload.
        _ => Activation.Register(ActivationDefinition.Create(Fresh("myGelu"), z => default(MyGelu).Value(z), (z, a) => default(MyGelu).Derivative(z, a),
            new() { Onnx = onnx ?? GeluOnnx })),
    };

    /// <summary>
    /// float64: ONNX Runtime equals Predict within <see cref="OnnxExportTests.DoubleTolerance"/> (1e-12) of max(|output|, 1),
    /// the bound the built-ins meet (both sides compute the same formula in double; only the last bits of exp, log, tanh
    /// and the order of the sums differ); float32 within <see cref="OnnxExportTests.SingleTolerance"/>, float32 rounding of
    /// the weights, inputs and every op carried through the layers.
    /// </summary>
    [Theory]
    [MemberData(nameof(Users))]
    public void A_users_activation_with_an_expression_exports_and_ONNX_Runtime_agrees_with_Predict(string kind)
    {
        var g = Registered(kind);
        var net = NetworkWith(g, seed: 11);
        var x = Inputs(3);
        var model = ModelProto.Parser.ParseFrom(net.ToOnnx());
        var f = Assert.Single(model.Functions);
        Assert.Equal(g.Name, f.Name);
        Assert.Equal("hybrid", f.Domain);

        double e64 = RelativeError(net.Predict(x), Run(net.ToOnnx(), [x], OnnxPrecision.Double)[0], floor: 1);
        Assert.True(e64 <= OnnxExportTests.DoubleTolerance, $"{kind} float64: relative error {e64:E3}");
        double e32 = RelativeError(net.Predict(x), Run(net.ToOnnx(OnnxPrecision.Single), [x], OnnxPrecision.Single)[0], floor: 1);
        Assert.True(e32 <= OnnxExportTests.SingleTolerance, $"{kind} float32: relative error {e32:E3}");
    }

    [Fact]
    public void A_wrong_expression_is_refused_at_export_naming_the_activation_the_point_and_both_values()
    {
        // Swish's expression with tanh where σ belongs: z·tanh z is not z·σ(z) (at z = 1: 0.762 against 0.731).
        var g = Registered("swish", onnx: "Mul(Z, Tanh(Z))");
        var net = NetworkWith(g, seed: 11);
        var e = Assert.Throws<InvalidOperationException>(() => net.ToOnnx());
        // The first point checked is −r = −10: there z·tanh z = 10·tanh 10 ≈ 9.9999999588 while z·σ(z) ≈ −4.54e-4.
        Assert.Contains($"layer 0's activation: the ONNX expression of {g.Name} does not compute it: at z = -10 the expression gives 9.99999", e.Message);
        Assert.Contains($"but {g.Name} gives -0.000453", e.Message);
        Assert.Contains("Fix its ActivationOptions.Onnx", e.Message);
        Assert.Throws<InvalidOperationException>(() => net.ToOnnx(OnnxPrecision.Single));
    }

    [Fact]
    public void A_wrong_body_makes_ONNX_Runtime_disagree_with_Predict_so_the_comparison_is_real()
    {
        // The export check refuses a wrong expression, so the wrong body is written into a right export: Sigmoid → Tanh.
        var g = Registered("swish");
        var net = NetworkWith(g, seed: 11);
        var x = Inputs(3);
        var model = ModelProto.Parser.ParseFrom(net.ToOnnx());
        var sigmoid = Assert.Single(Assert.Single(model.Functions).Node, n => n.OpType == "Sigmoid");
        sigmoid.OpType = "Tanh";
        double e = RelativeError(net.Predict(x), Run(model.ToByteArray(), [x], OnnxPrecision.Double)[0], floor: 1);
        Assert.True(e > 1e-3, $"relative error {e:E3}: the comparison does not see a wrong body");
    }

    [Fact]
    public void An_expression_with_an_op_the_evaluator_does_not_know_is_exported_unchecked()
    {
        // HardSwish is a standard op (opset 14) that OnnxExpression.evaluate does not compute: the check is skipped.
        var g = Registered("swish", onnx: "Mul(Z, HardSwish(Z))");
        Assert.Null(Registry.OnnxMismatch(g.Core));
        var model = ModelProto.Parser.ParseFrom(NetworkWith(g, seed: 11).ToOnnx());
        Assert.Contains(Assert.Single(model.Functions).Node, n => n.OpType == "HardSwish");
    }

    [Theory]
    [InlineData("Mul(Z, Sigmoid(Z))", null)]
    [InlineData("Div(Z, Add(1, Exp(Neg(Z))))", null)]                 // another form of z·σ(z), a few ulps apart
    [InlineData("Mul(Z, Sigmoid(Mul(Z, 1.000001)))", "at z = -10")]   // off by 1e-6·z·σ′: just above the tolerance 1e-9
    [InlineData("Where(Greater(Z, 0), Z, Mul(Z, Sigmoid(Z)))", "at z = 0.3333333333333333")]
    public void The_export_check_compares_the_expression_with_g_at_its_points(string onnx, string? where)
    {
        var g = Registered("swish", onnx);
        string? mismatch = Registry.OnnxMismatch(g.Core);
        if (where is null) Assert.Null(mismatch);
        else Assert.Contains(where, mismatch);
    }

    [Theory]
    [MemberData(nameof(Users))]
    public void An_exported_network_imports_back_with_the_registered_activation_and_the_same_parameters(string kind)
    {
        var g = Registered(kind);
        var net = NetworkWith(g, seed: 5);
        var x = Inputs(4);

        var back = OnnxModel.ReadNetwork(net.ToOnnx());
        Assert.Equal(g, back.Layers[0].Activation);
        Assert.Equal(g, back.Layers[1].Activation);
        Assert.Equal(g.Name, back.Layers[1].Activation!.Name);
        Assert.Equal(net.ToJson(), back.ToJson());           // every weight and bias bit for bit, the activation by name
        Assert.Equal(net.Predict(x), back.Predict(x));

        // float32: the weights come back rounded to float, the activation the same.
        var single = net.ToOnnx(OnnxPrecision.Single);
        var rounded = OnnxModel.ReadNetwork(single);
        Assert.Equal(g, rounded.Layers[0].Activation);
        double e = RelativeError(rounded.Predict(x), Run(single, [x], OnnxPrecision.Single)[0], floor: 1);
        Assert.True(e <= OnnxExportTests.SingleTolerance, $"{kind} float32: relative error {e:E3}");
    }

    /// <summary>The model exported for a registered activation, its function and calls renamed to <paramref name="name"/>.</summary>
    private static byte[] Renamed(byte[] bytes, string from, string name)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        foreach (var f in model.Functions.Where(f => f.Name == from)) f.Name = name;
        foreach (var n in model.Graph.Node.Where(n => n.OpType == from)) n.OpType = name;
        return model.ToByteArray();
    }

    [Fact]
    public void Importing_a_function_of_an_activation_not_registered_is_refused_naming_it_and_saying_to_register_it()
    {
        var g = Registered("swish");
        string name = "neverRegistered" + new string('x', 200);
        var bytes = Renamed(NetworkWith(g, seed: 5).ToOnnx(), g.Name, name);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(bytes));
        Assert.Contains("\"hybrid.neverRegisteredxxx", e.Message);
        Assert.DoesNotContain(name, e.Message);                          // quoted in part, not all 215 characters
        Assert.Contains("register it", e.Message);
        Assert.True(e.Message.Length < 400, e.Message);
    }

    [Fact]
    public void Importing_a_function_of_an_activation_registered_without_an_expression_says_so()
    {
        var g = Registered("swish");
        var without = Activation.Register(ActivationDefinition.Create<MySwish>(Fresh("withoutOnnx")));
        var bytes = Renamed(NetworkWith(g, seed: 5).ToOnnx(), g.Name, without.Name);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(bytes));
        Assert.Contains($"\"hybrid.{without.Name}\"", e.Message);
        Assert.Contains("without an ONNX expression", e.Message);
    }

    [Fact]
    public void Importing_a_function_whose_body_differs_from_the_registered_expression_is_refused()
    {
        // The same name registered here with Swish's expression, but the file's body is Mish's: refused, not read as Swish.
        var mish = Registered("mish");
        var swish = Registered("swish");
        var bytes = Renamed(NetworkWith(mish, seed: 5).ToOnnx(), mish.Name, swish.Name);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(bytes));
        Assert.Contains("is not Hybrid's", e.Message);
    }
}
