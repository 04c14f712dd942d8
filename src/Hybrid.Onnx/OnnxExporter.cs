using Hybrid.Core.Interop;
using System.Reflection;
using Google.Protobuf;
using Hybrid.Core;
using Hybrid.Onnx.Proto;
using MathNet.Numerics.LinearAlgebra;
using static Hybrid.Onnx.OnnxGraph;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid.Onnx;

/// <summary>
/// Writes a network as an ONNX model (docs/onnx.md): one input "input" [N, d_in] and one output
/// "output" [N, d_out] with a symbolic batch dimension N; per dense layer a Gemm (Z = X·W + b, W
/// stored d_in×d_out, so transB = 0) and its activation; per maxout layer k Gemms and a Max; per
/// dropout layer a Dropout node (identity at inference, its ratio kept for import). Layers are
/// emitted one after another from the current tensor, so a preprocessing prefix (e.g. a
/// standardisation as Sub and Div) only has to hand its output tensor to the first layer.
/// </summary>
internal static class OnnxExporter
{
    internal const string InputName = "input";
    internal const string OutputName = "output";

    private sealed class Writer(int elementType)
    {
        internal readonly GraphProto Graph = new() { Name = "hybrid-network" };
        /// <summary>The activations whose local function the model defines, by function (case) name.</summary>
        internal readonly SortedDictionary<string, ActivationCase> Functions = new(StringComparer.Ordinal);
        internal readonly int ElementType = elementType;

        internal void Add(NodeProto node) => Graph.Node.Add(node);

        internal string Initializer(string name, long[] dims, ReadOnlySpan<double> values)
        {
            Graph.Initializer.Add(Tensor(name, ElementType, dims, values));
            return name;
        }

        internal string Matrix(string name, Matrix<double> m) => Initializer(name, [m.RowCount, m.ColumnCount], m.ToRowMajorArray());

        internal string Row(string name, Matrix<double> row) => Initializer(name, [row.ColumnCount], row.Row(0).ToArray());

        internal string Scalar(string name, double value) => Initializer(name, [], [value]);
    }

    internal static byte[] Write(CoreNetwork net, OnnxPrecision precision, Data.Preprocessor? preprocessor = null)
    {
        int elementType = ElementType(precision);
        var w = new Writer(elementType);
        string current = preprocessor is null ? InputName : Preprocessing(w, preprocessor, InputName);
        int count = Networks.LayerCount(net);
        for (int l = 0; l < count; l++)
        {
            var layer = Networks.Layer(net, l);
            string output = l == count - 1 ? OutputName : $"layer{l}.output";
            var steps = layer.Onnx
                ?? throw new NotSupportedException($"layer {l} is a {LayerKinds.FromCore(layer.Kind)} layer, which has no ONNX form in this version of Hybrid; export a network without it, or save it with Save (the model file holds every layer kind).");
            current = Layer(w, l, layer, steps, current, output, precision);
        }
        w.Graph.Input.Add(Value(InputName, elementType, "N", preprocessor?.InputCount ?? Networks.InputSize(net)));
        w.Graph.Output.Add(Value(OutputName, elementType, "N", Networks.OutputSize(net)));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Hybrid",
            ProducerVersion = ProducerVersion(),
            DocString = $"A Hybrid network exported in {(precision == OnnxPrecision.Double ? "float64" : "float32")}.",
            Graph = w.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (w.Functions.Count > 0)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = Domain, Version = DomainVersion });
            foreach (var f in w.Functions.Values) model.Functions.Add(OnnxFunctions.Build(f, elementType));
        }
        model.MetadataProps.Add(new StringStringEntryProto { Key = "hybrid.precision", Value = precision == OnnxPrecision.Double ? "float64" : "float32" });
        if (preprocessor is { Kind: not Data.PreprocessingKind.None } p)
        {
            // What the graph cannot hold (OnnxImporter reads it back): PCA's variances, all d of them, and whitening's ε.
            static string Text(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxImporter.KindKey, Value = p.Kind switch { Data.PreprocessingKind.Standardize => "standardize", Data.PreprocessingKind.Pca => "pca", _ => "whiten" } });
            if (p.PcaCore is { } pca) model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxImporter.VariancesKey, Value = string.Join(",", pca.Variances.Select(Text)) });
            if (p.Kind == Data.PreprocessingKind.Whiten) model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxImporter.EpsilonKey, Value = Text(p.Epsilon) });
        }
        return model.ToByteArray();
    }

    internal static string ProducerVersion() =>
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>
    /// The preprocessing prefix, the core's formulas as ops (S30): standardise (X − μ) / σ as Sub and
    /// Div; PCA (X − μ)·V_k as Sub and MatMul; whitening as PCA then Mul by 1/√(λ_j + ε), computed
    /// here as the core computes it. Returns the tensor the first layer reads.
    /// </summary>
    private static string Preprocessing(Writer w, Data.Preprocessor p, string input)
    {
        const string name = "preprocess";
        string Step(string op, string from, string constant, string to)
        {
            w.Add(Node(op, $"{name}.{op.ToLowerInvariant()}", [from, constant], [to]));
            return to;
        }
        if (p.StandardizerCore is { } s)
            return Step("Div", Step("Sub", input, w.Row($"{name}.mean", s.Mean), $"{name}.centred"), w.Row($"{name}.std", s.Std), $"{name}.output");
        if (p.PcaCore is { } pca)
        {
            var projected = Step("MatMul", Step("Sub", input, w.Row($"{name}.mean", pca.Mean), $"{name}.centred"), w.Matrix($"{name}.components", pca.Components), $"{name}.projected");
            if (p.Kind != Data.PreprocessingKind.Whiten) return projected;
            var scales = Enumerable.Range(0, pca.Components.ColumnCount).Select(j => 1.0 / Math.Sqrt(pca.Variances[j] + p.Epsilon)).ToArray();
            return Step("Mul", projected, w.Initializer($"{name}.scale", [scales.Length], scales), $"{name}.output");
        }
        return input; // PreprocessingKind.None
    }

    /// <summary>
    /// A layer's nodes from its ONNX hook (Layer.Onnx in the layer's file): each node step becomes the
    /// node <c>layer{l}.{name}</c>, its inputs the layer's input, its parameters as initializers
    /// <c>layer{l}.{parameter}</c> (a weight matrix 2-D, any other parameter 1-D), scalars, or earlier
    /// steps' outputs; an activation step is the activation registry's form (no node for the identity).
    /// The last step that writes a node writes <paramref name="output"/>.
    /// </summary>
    private static string Layer(Writer w, int l, LayerParts layer, OnnxLayerStepView[] steps, string input, string output, OnnxPrecision precision)
    {
        OnnxFormSpec FormOf(OnnxLayerStepView step)
        {
            var entry = Activations.Of(step.Activation);
            var form = precision == OnnxPrecision.Single ? entry.OnnxSingle : entry.OnnxDouble;
            if (form.Kind == nameof(Hybrid.Core.OnnxForm.Unavailable))
                throw new NotSupportedException(
                    $"layer {l}'s activation {entry.CaseName} is your own, defined without an ONNX expression, so it has no ONNX form; " +
                    "export a network without it, or save it with Save (the model file names it, and Load finds it once it is registered).");
            if (Activations.OnnxMismatch(step.Activation) is { } mismatch)
                throw new InvalidOperationException($"layer {l}'s activation: {mismatch} Fix its ActivationOptions.Onnx (docs/extending.md).");
            return form;
        }
        bool WritesNode(OnnxLayerStepView step) =>
            step.Kind == nameof(Hybrid.Core.OnnxLayerStep.Node) || FormOf(step).Kind != nameof(Hybrid.Core.OnnxForm.NoNode);
        int last = Array.FindLastIndex(steps, WritesNode);
        if (last < 0) throw new InvalidOperationException($"layer {l}'s ONNX form writes no node.");
        var values = new string[steps.Length];
        string Parameter(string name)
        {
            var value = layer.Parameter(name, out bool isWeight);
            return isWeight ? w.Matrix($"layer{l}.{name}", value) : w.Row($"layer{l}.{name}", value);
        }
        string Value(OnnxLayerValueView v) =>
            v.Resolve(input, Parameter, (name, x) => w.Scalar($"layer{l}.{name}", x), k => values[k]);
        for (int k = 0; k < steps.Length; k++)
        {
            var step = steps[k];
            if (step.Kind == nameof(Hybrid.Core.OnnxLayerStep.Node))
            {
                string o = k == last ? output : $"layer{l}.{step.Output}";
                var inputs = step.Inputs.Select(Value).ToArray();
                var attributes = step.Attributes.Select(a => a.Kind == nameof(Hybrid.Core.OnnxLayerAttribute.Int) ? IntAttribute(a.Name, a.IntValue) : FloatAttribute(a.Name, (float)a.FloatValue)).ToArray();
                w.Add(Node(step.Op, $"layer{l}.{step.Name}", inputs, [o], "", attributes));
                values[k] = o;
            }
            else
            {
                string z = Value(step.Inputs[0]);
                var form = FormOf(step);
                if (form.Kind == nameof(Hybrid.Core.OnnxForm.NoNode)) { values[k] = z; continue; }
                string o = k == last ? output : $"layer{l}.a{k}";
                w.Add(Activation(w, l, step.Activation, Activations.Of(step.Activation), form, z, o));
                values[k] = o;
            }
        }
        return output;
    }

    /// <summary>
    /// The activation's node, read from its registry form: a standard node (its inputs Z and the
    /// hyper-parameter as a tensor [1] named <c>layer{l}.{parameter}</c>, its attributes an INT's value or
    /// the hyper-parameter as a FLOAT), or a call of the local function named by the case (Z, then the
    /// hyper-parameter as a scalar <c>layer{l}.{parameter}</c>), whose body the model then defines.
    /// </summary>
    private static NodeProto Activation(Writer w, int l, CoreActivation g, ActivationCase entry, OnnxFormSpec form, string z, string output)
    {
        string name = $"layer{l}.activation";
        double a = Activations.Parameter(g) ?? 0;
        string ParameterName() => entry.ParameterName ?? throw new InvalidOperationException($"The ONNX form of {Activations.Name(g)} reads a parameter, but it has none.");
        if (form.Kind == nameof(Hybrid.Core.OnnxForm.Function))
        {
            w.Functions[entry.CaseName] = entry;
            string[] parameters = entry.ParameterName is { } p ? [w.Scalar($"layer{l}.{p}", a)] : [];
            return Node(entry.CaseName, name, [z, .. parameters], [output], Domain);
        }
        var node = form.Body;
        string[] inputs = form.ReadsParameter ? [z, w.Initializer($"layer{l}.{ParameterName()}", [1], [a])] : [z];
        var attributes = node.Attributes.Select(t => t.IsParameter ? FloatAttribute(t.Name, (float)a) : IntAttribute(t.Name, t.IntValue)).ToArray();
        return Node(node.Op, name, inputs, [output], "", attributes);
    }
}
