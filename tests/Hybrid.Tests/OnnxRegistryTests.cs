using Hybrid.Core.Interop;
using Registry = Hybrid.Core.Interop.Activations;
using Hybrid.Onnx.Proto;
using static Hybrid.Tests.OnnxTestSupport;

namespace Hybrid.Tests;

/// <summary>
/// ONNX export and import walked over the activation registry (S04): every entry of <see cref="Activation.All"/>, in
/// float32 and float64, exported in a one-layer network, run by ONNX Runtime against Predict and imported back as the same
/// activation and parameter. Export and import read the entries' ONNX forms (the core's <c>Activation.all</c>), so a new
/// entry is checked here with no line of its own.
/// </summary>
public sealed class OnnxRegistryTests
{
    /// <summary>Every entry of the registry, for the theories.</summary>
    public static TheoryData<string> Entries() => new(Activation.All.Select(a => a.Name));

    /// <summary>
    /// float64: per entry |ONNX Runtime − Predict| ≤ 4 ulps of max(|g|, |z|, 1) (4·2⁻⁵² ≈ 8.9e-16). The inputs, weights
    /// and biases are dyadic fractions whose products and sums are exact in float32 and float64, so Z is the same on both
    /// sides and only the activation can differ; both compute the same formula in double, and ONNX Runtime's exp, log,
    /// tanh and sigmoid differ from .NET's by an ulp or so of max(|g|, 1) (the sigmoid's negative tail is accurate in
    /// absolute, not relative, terms; OnnxExportTests measures it from 1e-300 to 1e300), an error that a product with z
    /// (swish's z·σ(z)) carries multiplied by |z|. Measured on these inputs: at most 1.0 ulp of max(|g|, |z|, 1).
    /// </summary>
    public const double DoubleUlps = 4 * 2.220446049250313e-16;

    /// <summary>
    /// float32: per entry |ONNX Runtime − Predict| ≤ 4 float32 ulps of max(|g|, |z|, 1) (4·2⁻²³ ≈ 4.8e-7). Z is exact in
    /// float32 too (see <see cref="DoubleUlps"/>); ONNX Runtime computes g in float32, so its result is g rounded to float32
    /// (half an ulp) plus the error of its float32 kernels (an ulp or two for its vectorised exp, tanh and sigmoid).
    /// Measured on these inputs: at most 0.8 float32 ulps of max(|g|, |z|, 1).
    /// </summary>
    public const double SingleUlps = 4 * 1.1920928955078125e-7;

    private static readonly double[,] W = { { 1, -0.5, 0.25 }, { 0.125, 1, -2 } };
    private static readonly double[] B = [0, 0.5, -0.25];

    /// <summary>98 rows x = (t/4, ±1) for t = −24…24: Z = x·W + b runs over [−6, 6] in steps of 1/16 and hits 0 exactly (z₂ at t = 12, x₂ = 1), all exact.</summary>
    private static double[,] Inputs()
    {
        var x = new double[98, 2];
        int i = 0;
        for (int t = -24; t <= 24; t++)
            foreach (var s in new[] { -1.0, 1.0 })
            {
                x[i, 0] = t / 4.0;
                x[i, 1] = s;
                i++;
            }
        return x;
    }

    /// <summary>The entry's activation, with a parameter other than its default (so the file carries it, not the reader's guess).</summary>
    private static Activation Made(ActivationInfo entry) => entry.DefaultParameter is double d ? entry.Create(d / 2) : entry.Create();

    [Theory]
    [MemberData(nameof(Entries))]
    public void Each_entry_runs_in_ONNX_Runtime_as_Predict_computes_it_and_imports_back_in_both_precisions(string name)
    {
        var entry = Activation.All.Single(a => a.Name == name);
        var g = Made(entry);
        var net = Network.Create(2).Dense(W, B, g).Build();
        var x = Inputs();
        var expected = net.Predict(x);
        var z = Network.Create(2).Dense(W, B, Activation.Identity).Build().Predict(x); // exact: dyadic
        foreach (var (precision, ulps) in new[] { (OnnxPrecision.Double, DoubleUlps), (OnnxPrecision.Single, SingleUlps) })
        {
            var bytes = net.ToOnnx(precision);
            var ort = Run(bytes, [x], precision)[0];
            for (int i = 0; i < x.GetLength(0); i++)
                for (int j = 0; j < 3; j++)
                {
                    double err = Math.Abs(ort[i, j] - expected[i, j]) / Math.Max(Math.Max(Math.Abs(expected[i, j]), Math.Abs(z[i, j])), 1);
                    Assert.True(err <= ulps, $"{g} in {precision}: row {i} unit {j} (z = {z[i, j]:R}) is {ort[i, j]:R} in ONNX Runtime but {expected[i, j]:R} in Predict, error {err:E2} of max(|g|, |z|, 1) (bound {ulps:E2})");
                }
            var again = OnnxModel.ReadNetwork(bytes).Layers[0].Activation!;
            // float32 carries a parameter as a float: it comes back rounded to float32.
            var back = precision == OnnxPrecision.Double || g.Parameter is null ? g : entry.Create((float)g.Parameter.Value);
            Assert.Equal(back, again);
            Assert.Equal(name, again.Info.Name);
        }
    }

    /// <summary>Each form is one the exporter can write and the importer can read back unambiguously.</summary>
    [Fact]
    public void Every_ONNX_form_is_well_formed_and_each_standard_op_names_one_activation()
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Registry.All)
            foreach (var form in new[] { entry.OnnxSingle, entry.OnnxDouble })
            {
                if (form.Kind == nameof(Hybrid.Core.OnnxForm.NoNode))
                {
                    Assert.Null(form.Body);
                    continue;
                }
                Assert.NotNull(form.Body);
                if (form.Kind == nameof(Hybrid.Core.OnnxForm.Function))
                {
                    Assert.NotEqual(nameof(Hybrid.Core.OnnxExpr.Input), form.Body.Kind);
                    Assert.NotEqual(nameof(Hybrid.Core.OnnxExpr.Parameter), form.Body.Kind);
                    continue;
                }
                var node = form.Body;
                Assert.Equal(nameof(Hybrid.Core.OnnxExpr.Op), node.Kind);
                Assert.All(node.Inputs, i => Assert.True(i.Kind is nameof(Hybrid.Core.OnnxExpr.Input) or nameof(Hybrid.Core.OnnxExpr.Parameter), $"{entry.CaseName}'s standard node {node} reads {i}"));
                Assert.Equal(nameof(Hybrid.Core.OnnxExpr.Input), node.Inputs[0].Kind);
                if (entry.ParameterName is null)
                    Assert.DoesNotContain(node.Inputs, i => i.Kind == nameof(Hybrid.Core.OnnxExpr.Parameter));
                var owner = owners.GetValueOrDefault(node.Op, entry.CaseName);
                Assert.True(owner == entry.CaseName, $"the standard op {node.Op} is the form of both {owner} and {entry.CaseName}: an importer could not tell them apart");
                owners[node.Op] = entry.CaseName;
            }
        Assert.Single(Registry.All, e => e.OnnxSingle.Kind == nameof(Hybrid.Core.OnnxForm.NoNode) && e.OnnxDouble.Kind == nameof(Hybrid.Core.OnnxForm.NoNode));
    }

    /// <summary>A function body shares a sub-expression used several times: SoftPlus's u = e^(−|z|) is one Exp node, read three times.</summary>
    [Fact]
    public void A_function_body_computes_a_repeated_sub_expression_once()
    {
        var net = Network.Create(1).Dense(new double[,] { { 1 } }, [0], Activation.SoftPlus).Build();
        var f = Assert.Single(ModelProto.Parser.ParseFrom(net.ToOnnx()).Functions);
        Assert.Equal("SoftPlus", f.Name);
        var exp = Assert.Single(f.Node, n => n.OpType == "Exp");
        Assert.Equal(3, f.Node.Count(n => n.Input.Contains(exp.Output[0])));
        Assert.Equal(f.Node.Count, f.Node.Select(n => n.Output[0]).Distinct().Count());
    }
}
