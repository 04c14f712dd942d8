using Hybrid.Core.Interop;
using Hybrid.Onnx.Proto;
using static Hybrid.Onnx.OnnxGraph;

namespace Hybrid.Onnx;

/// <summary>
/// Hybrid's model-local ONNX functions (domain <c>hybrid</c>): the S04 activations whose registry form
/// (<c>Activation.all</c>, read through <see cref="ActivationCase.OnnxSingle"/> and
/// <see cref="ActivationCase.OnnxDouble"/>) is a function — those that have no standard op, or whose
/// standard op has no float64 kernel in ONNX Runtime's CPU provider. A function is named by the
/// activation's case, takes Z and then the hyper-parameter's tensor (if the activation has one), and its
/// body is built from the registry's expression: nodes in post-order, inputs left to right; a sub-tree
/// met again (an op with the same inputs and attributes) is the node already built, so a value used
/// several times is computed once; each constant is a node of its own. Only a library body (Cephes'
/// arctangent) is written here. A runtime that knows no local functions still runs them: ONNX defines
/// a call as its body inlined. The importer recognises a function only if its body is exactly the one
/// built here.
/// </summary>
internal static class OnnxFunctions
{
    /// <summary>The form whose function is built for a graph of the element type: the element type's own, or else the other one's (as a reader accepts either body); null if neither is a function.</summary>
    internal static OnnxNodeSpec? FunctionBody(ActivationCase entry, int elementType)
    {
        var (own, other) = elementType == DoubleType ? (entry.OnnxDouble, entry.OnnxSingle) : (entry.OnnxSingle, entry.OnnxDouble);
        return own.Kind == nameof(Hybrid.Core.OnnxForm.Function) ? own.Body : other.Kind == nameof(Hybrid.Core.OnnxForm.Function) ? other.Body : null;
    }

    /// <summary>The inputs of the function of <paramref name="entry"/> after Z: its hyper-parameter's tensor, if it has one.</summary>
    internal static string[] Parameters(ActivationCase entry) => entry.ParameterName is { } p ? [p] : [];

    /// <summary>Builds a function body node by node: each call adds one node and returns its output's name.</summary>
    private sealed class Body(int elementType)
    {
        internal readonly List<NodeProto> Nodes = [];

        internal string Op(string op, params string[] inputs) => Op(op, inputs, []);

        internal string Op(string op, string[] inputs, AttributeProto[] attributes)
        {
            var output = $"t{Nodes.Count}";
            Nodes.Add(Node(op, "", inputs, [output], "", attributes));
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

    /// <summary>The function of <paramref name="entry"/> for the element type (FLOAT or DOUBLE), named by its case.</summary>
    internal static FunctionProto Build(ActivationCase entry, int elementType)
    {
        var body = FunctionBody(entry, elementType) ?? throw new ArgumentException($"No Hybrid function '{entry.CaseName}'.", nameof(entry));
        if (body.Kind is not (nameof(Hybrid.Core.OnnxExpr.Op) or nameof(Hybrid.Core.OnnxExpr.Constant) or nameof(Hybrid.Core.OnnxExpr.Library)))
            throw new InvalidOperationException($"The ONNX function of {entry.CaseName} must compute something, but its body is {body}.");
        var parameters = Parameters(entry);
        var b = new Body(elementType);
        var built = new Dictionary<string, string>(StringComparer.Ordinal);
        string Emit(OnnxNodeSpec e)
        {
            switch (e.Kind)
            {
                case nameof(Hybrid.Core.OnnxExpr.Input):
                    return "Z";
                case nameof(Hybrid.Core.OnnxExpr.Parameter):
                    return parameters.Length == 1 ? parameters[0] : throw new InvalidOperationException($"The ONNX function of {entry.CaseName} reads a parameter, but {entry.CaseName} has none.");
                case nameof(Hybrid.Core.OnnxExpr.Constant):
                    return b.Constant(e.Value);
                case nameof(Hybrid.Core.OnnxExpr.Library):
                    return e.Op == "Arctan" ? BuildArctan(b) : throw new InvalidOperationException($"No library body '{e.Op}' for {entry.CaseName}.");
                default:
                {
                    if (built.TryGetValue(e.Text, out var known)) return known;
                    var inputs = e.Inputs.Select(Emit).ToArray();
                    var attributes = e.Attributes.Select(a => a.IsParameter
                        ? throw new InvalidOperationException($"The ONNX function of {entry.CaseName} has a parameter attribute '{a.Name}'; a function reads its parameter as the tensor input.")
                        : IntAttribute(a.Name, a.IntValue)).ToArray();
                    return built[e.Text] = b.Op(e.Op, inputs, attributes);
                }
            }
        }
        Emit(body);
        b.Return();
        var f = new FunctionProto { Name = entry.CaseName, Domain = Domain };
        f.Input.Add("Z");
        f.Input.AddRange(parameters);
        f.Output.Add("Y");
        f.Node.AddRange(b.Nodes);
        f.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return f;
    }

    /// <summary>
    /// Whether <paramref name="f"/> is a body an earlier Hybrid wrote for the function of its name, so
    /// that its files still load: version 0.2.0 wrote SoftPlus in double with log1p(u) as the series
    /// u − u²/2 + u³/3 below 1e-4 and ln(1 + u) above; the core now uses Goldberg's log1p (accurate in
    /// float32 too), whose body differs. Such a file is read as Hybrid's SoftPlus (the two agree to a
    /// few ulps in double).
    /// </summary>
    internal static bool IsEarlierBody(FunctionProto f, int elementType)
    {
        if (f.Name != "SoftPlus" || elementType != DoubleType) return false;
        var b = new Body(elementType);
        var u = b.Op("Exp", b.Op("Neg", b.Op("Abs", "Z")));
        var uu = b.Op("Mul", u, u);
        var series = b.Op("Add", b.Op("Sub", u, b.Op("Div", uu, b.Constant(2))), b.Op("Div", b.Op("Mul", uu, u), b.Constant(3)));
        var log = b.Op("Log", b.Op("Add", b.Constant(1), u));
        var log1p = b.Op("Where", b.Op("Less", u, b.Constant(1e-4)), series, log);
        b.Op("Add", b.Op("Max", "Z", b.Constant(0)), log1p);
        b.Return();
        var earlier = new FunctionProto { Name = f.Name, Domain = Domain };
        earlier.Input.Add("Z");
        earlier.Output.Add("Y");
        earlier.Node.AddRange(b.Nodes);
        earlier.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return f.Equals(earlier);
    }

    // Cephes' arctangent (S. L. Moshier, atan.c): reduce |z| to [0, 0.66] by arctan z = π/2 + arctan(−1/z)
    // (|z| > tan 3π/8) or π/4 + arctan((z − 1)/(z + 1)) (|z| > 0.66), then
    // arctan x = x + x·x²·P(x²)/Q(x²) with the published degree 4/5 coefficients (relative error below
    // 1e-16 on the reduced range; checked against Math.Atan by OnnxExportTests).
    private static readonly double[] P = [-8.750608600031904122785E-1, -1.615753718733365076637E1, -7.500855792314704667340E1, -1.228866684490136173410E2, -6.485021904942025371773E1];
    private static readonly double[] Q = [2.485846490142306297962E1, 1.650270098316988542046E2, 4.328810604912902668951E2, 4.853903996359136964868E2, 1.945506571482613964425E2];
    private const double Tan3PiOver8 = 2.41421356237309504880;
    private const double MoreBits = 6.123233995736765886130E-17;

    private static string BuildArctan(Body b)
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
        return b.Op("Mul", b.Op("Sign", "Z"), magnitude);
    }
}
