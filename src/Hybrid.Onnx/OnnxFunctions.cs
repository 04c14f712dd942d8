using Hybrid.Onnx.Proto;
using static Hybrid.Onnx.OnnxGraph;

namespace Hybrid.Onnx;

/// <summary>
/// Hybrid's model-local ONNX functions (domain <c>hybrid</c>): the S04 activations that have no
/// standard op, or whose standard op has no float64 kernel in ONNX Runtime's CPU provider (Atan,
/// Elu, Softplus; LeakyRelu's slope is a float32 attribute). Each body is made of ops that do have
/// double kernels and computes the same formula, in the same order, as the F# core
/// (<c>Hybrid.Core.Activation</c>), so ONNX Runtime agrees with Predict to a few ulps. A runtime
/// that knows no local functions still runs them: ONNX defines a call as its body inlined.
/// The importer recognises a function only if its body is exactly the one built here.
/// </summary>
internal static class OnnxFunctions
{
    internal const string BinaryStep = "BinaryStep";
    internal const string LeakyReLU = "LeakyReLU";
    internal const string ELU = "ELU";
    internal const string SoftPlus = "SoftPlus";
    internal const string Arctan = "Arctan";

    /// <summary>The names of the functions and their inputs after Z (the hyper-parameter tensors).</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Parameters = new Dictionary<string, string[]>
    {
        [BinaryStep] = [],
        [LeakyReLU] = ["slope"],
        [ELU] = ["alpha"],
        [SoftPlus] = [],
        [Arctan] = [],
    };

    /// <summary>Builds a function body node by node: each call adds one node and returns its output's name.</summary>
    private sealed class Body(int elementType)
    {
        internal readonly List<NodeProto> Nodes = [];

        internal string Op(string op, params string[] inputs)
        {
            var output = $"t{Nodes.Count}";
            Nodes.Add(Node(op, "", inputs, [output]));
            return output;
        }

        internal string Constant(double value)
        {
            var output = $"t{Nodes.Count}";
            Nodes.Add(Node("Constant", "", [], [output], "", TensorAttribute("value", Scalar("", elementType, value))));
            return output;
        }

        /// <summary>Renames the last node's output to Y (the function's output).</summary>
        internal void Return() => Nodes[^1].Output[0] = "Y";
    }

    /// <summary>The function called <paramref name="name"/> for the element type (FLOAT or DOUBLE).</summary>
    internal static FunctionProto Build(string name, int elementType)
    {
        var b = new Body(elementType);
        switch (name)
        {
            case BinaryStep:
                // step(z) = 1 if z ≥ 0 else 0.
                b.Op("Where", b.Op("GreaterOrEqual", "Z", b.Constant(0)), b.Constant(1), b.Constant(0));
                break;
            case LeakyReLU:
                // z if z > 0 else slope·z: PRelu with a tensor slope (exact in double, unlike LeakyRelu's float attribute).
                b.Op("PRelu", "Z", "slope");
                break;
            case ELU:
                // z if z > 0 else α(e^z − 1).
                b.Op("Where", b.Op("Greater", "Z", b.Constant(0)), "Z", b.Op("Mul", "alpha", b.Op("Sub", b.Op("Exp", "Z"), b.Constant(1))));
                break;
            case SoftPlus:
            {
                // max(z, 0) + log1p(e^(−|z|)), log1p(u) = u if 1 ⊕ u = 1, else u·ln(1 ⊕ u) / ((1 ⊕ u) ⊖ 1) (Goldberg).
                var u = b.Op("Exp", b.Op("Neg", b.Op("Abs", "Z")));
                var w = b.Op("Add", b.Constant(1), u);
                var log1p = b.Op("Where", b.Op("Equal", w, b.Constant(1)), u, b.Op("Div", b.Op("Mul", u, b.Op("Log", w)), b.Op("Sub", w, b.Constant(1))));
                b.Op("Add", b.Op("Max", "Z", b.Constant(0)), log1p);
                break;
            }
            case Arctan:
                BuildArctan(b);
                break;
            default:
                throw new ArgumentException($"No Hybrid function '{name}'.", nameof(name));
        }
        b.Return();
        var f = new FunctionProto { Name = name, Domain = Domain };
        f.Input.Add("Z");
        f.Input.AddRange(Parameters[name]);
        f.Output.Add("Y");
        f.Node.AddRange(b.Nodes);
        f.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return f;
    }

    // Cephes' arctangent (S. L. Moshier, atan.c): reduce |z| to [0, 0.66] by arctan z = π/2 + arctan(−1/z)
    // (|z| > tan 3π/8) or π/4 + arctan((z − 1)/(z + 1)) (|z| > 0.66), then
    // arctan x = x + x·x²·P(x²)/Q(x²) with the published degree 4/5 coefficients (relative error below
    // 1e-16 on the reduced range; checked against Math.Atan by OnnxExportTests).
    private static readonly double[] P = [-8.750608600031904122785E-1, -1.615753718733365076637E1, -7.500855792314704667340E1, -1.228866684490136173410E2, -6.485021904942025371773E1];
    private static readonly double[] Q = [2.485846490142306297962E1, 1.650270098316988542046E2, 4.328810604912902668951E2, 4.853903996359136964868E2, 1.945506571482613964425E2];
    private const double Tan3PiOver8 = 2.41421356237309504880;
    private const double MoreBits = 6.123233995736765886130E-17;

    private static void BuildArctan(Body b)
    {
        var x = b.Op("Abs", "Z");
        var big = b.Op("Greater", x, b.Constant(Tan3PiOver8));
        var middle = b.Op("Greater", x, b.Constant(0.66));
        var one = b.Constant(1);
        var reduced = b.Op("Where", big, b.Op("Div", b.Constant(-1), x),
            b.Op("Where", middle, b.Op("Div", b.Op("Sub", x, one), b.Op("Add", x, one)), x));
        var offset = b.Op("Where", big, b.Constant(Math.PI / 2), b.Op("Where", middle, b.Constant(Math.PI / 4), b.Constant(0)));
        var extra = b.Op("Where", big, b.Constant(MoreBits), b.Op("Where", middle, b.Constant(0.5 * MoreBits), b.Constant(0)));
        var z = b.Op("Mul", reduced, reduced);
        var p = b.Constant(P[0]);
        for (int i = 1; i < P.Length; i++) p = b.Op("Add", b.Op("Mul", p, z), b.Constant(P[i]));
        var q = b.Op("Add", z, b.Constant(Q[0]));
        for (int i = 1; i < Q.Length; i++) q = b.Op("Add", b.Op("Mul", q, z), b.Constant(Q[i]));
        var r = b.Op("Add", b.Op("Mul", reduced, b.Op("Div", b.Op("Mul", z, p), q)), reduced);
        var magnitude = b.Op("Add", offset, b.Op("Add", r, extra));
        b.Op("Mul", b.Op("Sign", "Z"), magnitude);
    }
}
