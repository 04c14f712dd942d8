using Hybrid.Core.Interop;
using System.Buffers.Binary;
using Google.Protobuf;
using Hybrid.Core;
using Hybrid.Onnx.Proto;
using MathNet.Numerics.LinearAlgebra;
using static Hybrid.Onnx.OnnxGraph;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid.Onnx;

/// <summary>
/// Reads a feed-forward ONNX model into a network (docs/onnx.md): a chain of layers from the one
/// graph input to the one graph output, each an affine map (Gemm, or MatMul with an optional Add of a
/// bias) with an optional activation after it, maxout as k affine maps joined by a Max, dropout,
/// and Identity/Flatten nodes that do nothing to a 2-D tensor. Every other op or graph shape raises
/// InvalidDataException naming the node and its op type. Sizes are checked against the data the
/// file actually holds before anything is allocated, so a corrupted or hostile file cannot make it
/// allocate more than a small multiple of its own size.
/// </summary>
internal static class OnnxImporter
{
    private const int MinOpset = 9;
    private const int MaxOpset = 23;
    private const long MaxIrVersion = 11;

    /// <summary>Metadata the exporter writes for a preprocessing prefix: its kind, all d variances (PCA and whitening), and ε (whitening).</summary>
    internal const string KindKey = "hybrid.preprocessing", VariancesKey = "hybrid.preprocessing.variances", EpsilonKey = "hybrid.preprocessing.epsilon";

    private static InvalidDataException Bad(string message) => new(message);

    /// <summary>A name, op type or other text of the file quoted for a message (bounded, control characters escaped).</summary>
    private static string Q(string text) => Excerpt.Quote(text);

    /// <summary>The network of a model without a preprocessing prefix, and the precision of its element type (FLOAT: single); a model with a prefix is refused, pointing to OnnxModel.ImportModel.</summary>
    internal static (CoreNetwork Network, Precision Precision) Read(byte[] bytes)
    {
        var (preprocessor, network, precision) = ReadModel(bytes);
        if (preprocessor is not null)
            throw Bad($"the model starts with a {preprocessor.Kind} preprocessing prefix ({Prefix(preprocessor)}) in front of its layers; a Network holds no preprocessing: read it with OnnxModel.ImportModel (or OnnxModel.ReadModel), which keeps it.");
        return (network, precision);
    }

    private static string Prefix(Data.Preprocessor p) => p.Kind switch
    {
        Data.PreprocessingKind.Standardize => "Sub, Div",
        Data.PreprocessingKind.Pca => "Sub, MatMul",
        _ => "Sub, MatMul, Mul",
    };

    /// <summary>The preprocessing prefix (null if the graph starts with a layer), the network after it, and the precision of the model's element type.</summary>
    internal static (Data.Preprocessor? Preprocessor, CoreNetwork Network, Precision Precision) ReadModel(byte[] bytes)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e) { throw Bad($"the bytes are not a protobuf ModelProto (truncated or not ONNX?): {e.Message}"); }
        try { return new Reader(model).Model(); }
        catch (InvalidDataException) { throw; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException)
        {
            throw Bad($"the model is inconsistent: {Excerpt.Quote(e.Message, Excerpt.MessageChars)}");
        }
    }

    private sealed class Reader
    {
        private readonly GraphProto _graph;
        private readonly long _opset;
        private readonly int _elementType;
        private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _uses = new(StringComparer.Ordinal);
        private readonly string _input;
        private readonly string _output;
        private readonly long? _inputWidth;

        internal Reader(ModelProto model)
        {
            if (!model.HasIrVersion || model.Graph is null)
                throw Bad("it has no ir_version or no graph: not an ONNX model (truncated, or another kind of file?).");
            if (model.IrVersion < 3 || model.IrVersion > MaxIrVersion)
                throw Bad($"ir_version is {model.IrVersion}; Hybrid reads ONNX IR versions 3 to {MaxIrVersion}.");
            var opsets = model.OpsetImport.Where(o => !o.HasDomain || o.Domain is "" or "ai.onnx").ToList();
            if (opsets.Count != 1) throw Bad($"the model imports the default ONNX opset {opsets.Count} times; it must import it once.");
            _opset = opsets[0].Version;
            if (_opset < MinOpset || _opset > MaxOpset) throw Bad($"the model uses ONNX opset {_opset}; Hybrid reads opsets {MinOpset} to {MaxOpset}.");
            _graph = model.Graph;

            foreach (var t in _graph.Initializer)
                if (!_initializers.TryAdd(t.Name, t)) throw Bad($"two initializers are named {Q(t.Name)}.");
            var inputs = _graph.Input.Where(v => !_initializers.ContainsKey(v.Name)).ToList();
            if (inputs.Count != 1) throw Bad($"the graph has {inputs.Count} inputs (besides initializers); Hybrid reads models with exactly one input, a tensor [N, d_in].");
            if (_graph.Output.Count != 1) throw Bad($"the graph has {_graph.Output.Count} outputs; Hybrid reads models with exactly one.");
            var input = inputs[0];
            _input = input.Name;
            _output = _graph.Output[0].Name;
            var tensor = input.Type?.TensorType ?? throw Bad($"the input {Q(_input)} is not a tensor.");
            _elementType = tensor.ElemType;
            if (_elementType is not (FloatType or DoubleType)) throw Bad($"the input {Q(_input)} has element type {ElementName(_elementType)}; Hybrid reads FLOAT and DOUBLE models.");
            if (tensor.Shape is { } shape)
            {
                if (shape.Dim.Count != 2) throw Bad($"the input {Q(_input)} has rank {shape.Dim.Count}; Hybrid reads a 2-D input [N, d_in] (one example per row).");
                if (shape.Dim[1].HasDimValue) _inputWidth = shape.Dim[1].DimValue;
            }

            _functions = new(StringComparer.Ordinal);
            foreach (var f in model.Functions.Where(f => f.Domain == Domain))
            {
                // A function of Hybrid's domain is the activation of its name, built in or registered by the user in this process, whose body it must be.
                if (Activations.Registered.FirstOrDefault(e => e.CaseName == f.Name) is not { } entry)
                    throw Bad($"the model defines a function {Q(Domain + "." + f.Name)} that Hybrid does not know: if it is an activation of yours, register it (Activation.Register, with its ONNX expression) before importing.");
                if (OnnxFunctions.FunctionBody(entry, _elementType) is null)
                    throw Bad($"the model defines a function {Q(Domain + "." + f.Name)}, but Hybrid's activation of that name has no ONNX function (an activation of yours registered without an ONNX expression?).");
                if (!f.Equals(OnnxFunctions.Build(entry, _elementType)) && !OnnxFunctions.IsEarlierBody(f, _elementType))
                    throw Bad($"the body of the function {Q(Domain + "." + f.Name)} is not Hybrid's (docs/onnx.md): it was changed after export.");
                _functions[f.Name] = entry;
            }
            foreach (var entry in model.MetadataProps)
                if (!_metadata.TryAdd(entry.Key, entry.Value)) throw Bad($"the metadata key {Q(entry.Key)} appears twice.");
            foreach (var n in _graph.Node)
                foreach (var i in n.Input.Where(i => i.Length > 0))
                    _uses[i] = _uses.GetValueOrDefault(i) + 1;
            // ONNX graphs are in static single assignment form: each tensor has one source (the graph's
            // input, an initializer or one node's output). A node that writes over another source would
            // make the chain read something other than what it names (e.g. Relu writing the input back).
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var n in _graph.Node)
                foreach (var o in n.Output.Where(o => o.Length > 0))
                {
                    string? source = o == _input ? "the graph's input" : _initializers.ContainsKey(o) ? "an initializer" : !written.Add(o) ? "the output of an earlier node" : null;
                    if (source is not null)
                        throw Bad($"{Describe(n)} writes {Q(o)}, which is already {source}: an ONNX graph writes each tensor once.");
                }
        }

        /// <summary>The activations whose functions the model defines, by function name.</summary>
        private readonly Dictionary<string, ActivationCase> _functions;
        private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

        private static string ElementName(int t) => Enum.IsDefined(typeof(TensorProto.Types.DataType), t) ? ((TensorProto.Types.DataType)t).ToString().ToUpperInvariant() : t.ToString();

        private static string Describe(NodeProto n) => $"node {Q(n.Name.Length > 0 ? n.Name : n.Output.FirstOrDefault() ?? "?")} ({Op(n)})";

        /// <summary>The node's op type with its domain (none for the default one): as it is when it is a plain name, else quoted.</summary>
        private static string Op(NodeProto n)
        {
            string op = (n.Domain is "" or "ai.onnx" ? "" : n.Domain + ".") + n.OpType;
            return op.Length is > 0 and <= Excerpt.QuoteChars && op.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? op : Q(op);
        }

        private static bool IsAffine(NodeProto n) => n.Domain is "" or "ai.onnx" && n.OpType is "Gemm" or "MatMul";

        /// <summary>The preprocessing prefix, if the graph starts with one, and the chain of layers after it.</summary>
        internal (Data.Preprocessor?, CoreNetwork, Precision) Model()
        {
            int i = 0;
            string current = _input;
            long? width = _inputWidth;
            var preprocessor = Prefix(ref i, ref current, ref width);
            // A FLOAT model's weights are float32 values: the network is marked as trained in single precision.
            return (preprocessor, Network(i, current, width), _elementType == FloatType ? Precision.Single : Precision.Double);
        }

        private static bool IsStandard(NodeProto n, string op) => n.OpType == op && n.Domain is "" or "ai.onnx";

        /// <summary>
        /// The preprocessing prefix the exporter writes (S30, docs/onnx.md "Preprocessing in front"):
        /// Sub(X, μ) then Div(·, σ) — a standardisation, as any tool writes it — or Sub(X, μ) then
        /// MatMul(·, V_k) — PCA — and optionally Mul(·, s) — whitening. PCA and whitening also need the
        /// variances (and ε) that Hybrid writes in the model's metadata, since the graph holds only V_k and
        /// s_j = 1/√(λ_j + ε); a whitening scale that differs from the one those give is refused. Advances
        /// i, current and width past the prefix; null (nothing consumed) if the graph does not start with Sub.
        /// </summary>
        private Data.Preprocessor? Prefix(ref int i, ref string current, ref long? width)
        {
            var nodes = _graph.Node;
            if (nodes.Count == 0 || !IsStandard(nodes[0], "Sub") || nodes[0].Input.Count == 0 || nodes[0].Input[0] != current) return null;
            var sub = nodes[0];
            NoAttributes(sub);
            if (sub.Input.Count != 2) throw Bad($"{Describe(sub)} must have two inputs.");
            var mean = Vector(sub, sub.Input[1], width, "the mean μ");
            int d = mean.Length;
            string centred = Output(sub);
            var next = nodes.Count > 1 ? nodes[1] : null;
            if (next is null || next.Input.Count == 0 || next.Input[0] != centred)
                throw Bad($"{Describe(sub)} subtracts a mean from the input, but no Div (standardisation) or MatMul (PCA) reads its output right after it: Hybrid reads a preprocessing prefix only in those forms (docs/onnx.md).");
            Single(centred, next);
            var mu = Matrix<double>.Build.Dense(1, d, mean);
            if (IsStandard(next, "Div"))
            {
                NoAttributes(next);
                if (next.Input.Count != 2) throw Bad($"{Describe(next)} must have two inputs.");
                var std = Vector(next, next.Input[1], d, "the standard deviations σ");
                for (int j = 0; j < d; j++)
                    if (!(std[j] > 0)) throw Bad($"{Describe(next)}: the standard deviation of column {j} is {std[j]} but must be > 0.");
                ExpectKind(next, "standardize");
                i = 2;
                current = Output(next);
                width = d;
                return Data.Preprocessor.Restore(Data.PreprocessingKind.Standardize, d, new Standardizer(mu, Matrix<double>.Build.Dense(1, d, std)), null, 0);
            }
            if (!IsStandard(next, "MatMul") || nodes.Count > 2 && IsStandard(nodes[2], "Add") && nodes[2].Input.Contains(Output(next)))
                throw Bad($"{Describe(next)} follows the mean subtraction {Describe(sub)} but is neither Div (standardisation) nor MatMul without a bias (PCA): Hybrid reads a preprocessing prefix only in those forms (docs/onnx.md).");
            NoAttributes(next);
            if (next.Input.Count != 2) throw Bad($"{Describe(next)} must have two inputs.");
            var (dims, values) = Initializer(next, next.Input[1]);
            if (dims.Length != 2 || dims[0] != d || dims[1] < 1 || dims[1] > d)
                throw Bad($"{Describe(next)}: the principal directions {Q(next.Input[1])} have shape [{string.Join(", ", dims)}] but must be [{d}, k] with 1 ≤ k ≤ {d}.");
            int k = (int)dims[1];
            var V = Matrix<double>.Build.Dense(d, k, (r, c) => values[r * k + c]);
            string projected = Output(next);
            i = 2;
            current = projected;
            var mul = nodes.Count > 2 && IsStandard(nodes[2], "Mul") && nodes[2].Input.Count > 0 && nodes[2].Input[0] == projected ? nodes[2] : null;
            double[]? scale = null;
            if (mul is not null)
            {
                NoAttributes(mul);
                if (mul.Input.Count != 2) throw Bad($"{Describe(mul)} must have two inputs.");
                Single(projected, mul);
                scale = Vector(mul, mul.Input[1], k, "the whitening scales");
                current = Output(mul);
                i = 3;
            }
            var at = mul ?? next;
            ExpectKind(at, mul is null ? "pca" : "whiten");
            var variances = MetadataNumbers(at, VariancesKey, $"a {(mul is null ? "PCA" : "whitening")} prefix (Sub, MatMul{(mul is null ? "" : ", Mul")})");
            if (variances.Length != d) throw Bad($"{Describe(at)}: the metadata '{VariancesKey}' has {variances.Length} variances but the input has {d} columns.");
            if (variances.Any(v => !(v >= 0) || double.IsInfinity(v))) throw Bad($"{Describe(at)}: the metadata '{VariancesKey}' holds a variance that is negative or not finite.");
            double epsilon = 0;
            if (scale is not null)
            {
                var eps = MetadataNumbers(at, EpsilonKey, "a whitening prefix (Sub, MatMul, Mul)");
                if (eps.Length != 1 || !(eps[0] >= 0) || double.IsInfinity(eps[0])) throw Bad($"{Describe(at)}: the metadata '{EpsilonKey}' must be one finite number ≥ 0.");
                epsilon = eps[0];
                for (int j = 0; j < k; j++)
                {
                    // The exporter's own expression, rounded as the file stores it.
                    double expected = 1.0 / Math.Sqrt(variances[j] + epsilon);
                    if (_elementType == FloatType) expected = (float)expected;
                    if (!(variances[j] + epsilon > 0) || BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(scale[j]))
                        throw Bad($"{Describe(at)}: the whitening scale of component {j + 1} is {scale[j]:R} but the variance {variances[j]:R} and ε = {epsilon:R} in the metadata give 1/√(λ + ε) = {expected:R}.");
                }
            }
            width = k;
            return Data.Preprocessor.Restore(scale is null ? Data.PreprocessingKind.Pca : Data.PreprocessingKind.Whiten, d, null, new Hybrid.Core.Pca(mu, V, variances), epsilon);
        }

        /// <summary>A constant vector of `count` values (shape [count] or [1, count]; count from the data if null).</summary>
        private double[] Vector(NodeProto n, string name, long? count, string what)
        {
            var (dims, values) = Initializer(n, name);
            bool row = dims.Length == 1 || dims.Length == 2 && dims[0] == 1;
            if (!row || count is long c && values.Length != c)
                throw Bad($"{Describe(n)}: {what} {Q(name)} has shape [{string.Join(", ", dims)}] but must be [{count?.ToString() ?? "d"}] or [1, {count?.ToString() ?? "d"}] (one value per column).");
            return values;
        }

        /// <summary>If the model names its preprocessing kind in the metadata, it must be the one the graph shows.</summary>
        private void ExpectKind(NodeProto n, string kind)
        {
            if (_metadata.TryGetValue(KindKey, out var written) && written != kind)
                throw Bad($"{Describe(n)}: the graph's prefix is a {kind} transform but the metadata '{KindKey}' says {Q(written)}.");
        }

        /// <summary>Numbers written by the exporter as invariant round-trip text separated by commas.</summary>
        private double[] MetadataNumbers(NodeProto n, string key, string what)
        {
            if (!_metadata.TryGetValue(key, out var text))
                throw Bad($"{Describe(n)}: {what} needs the variances Hybrid writes in the model's metadata ('{VariancesKey}'{(key == EpsilonKey ? $", '{EpsilonKey}'" : "")}), since the graph holds only the kept directions; this model has no {Q(key)}. Hybrid reads another tool's preprocessing only as Sub then Div (standardisation).");
            var parts = text.Split(',');
            var numbers = new double[parts.Length];
            for (int j = 0; j < parts.Length; j++)
                if (!double.TryParse(parts[j], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out numbers[j]))
                    throw Bad($"{Describe(n)}: the metadata {Q(key)} holds {Q(parts[j])}, which is not a number.");
            return numbers;
        }

        internal CoreNetwork Network(int i, string current, long? width)
        {
            var nodes = _graph.Node;
            var layers = new List<LayerParts>();
            // The limit of a model file (ModelLimits.MaxLayers), so that what import reads, Save writes and Load reads.
            void Add(LayerParts layer)
            {
                if (layers.Count == ModelLimits.DefaultMaxLayers)
                    throw Bad($"the graph has more than {ModelLimits.DefaultMaxLayers} layers, the most a model file holds (ModelLimits.MaxLayers).");
                layers.Add(layer);
            }
            while (i < nodes.Count)
            {
                var n = nodes[i];
                if (n.Input.Count == 0 || n.Input[0] != current)
                    throw Bad($"{Describe(n)} reads {Q(n.Input.FirstOrDefault() ?? "")} instead of {Q(current)}, the output of the layer before it: Hybrid reads a chain of layers (no branches, no reordered nodes).");
                if (n.Domain is not ("" or "ai.onnx" or Domain)) throw Bad($"{Describe(n)} is from the op domain {Q(n.Domain)}, which Hybrid does not know.");
                if (IsAffine(n))
                {
                    var pieces = new List<(Matrix<double> W, Matrix<double> B, string Output)>();
                    int next = i;
                    while (next < nodes.Count && IsAffine(nodes[next]) && nodes[next].Input.Count > 0 && nodes[next].Input[0] == current)
                    {
                        var (W, B, output, after) = Affine(nodes, next, width);
                        if (pieces.Count > 0 && W.ColumnCount != pieces[0].W.ColumnCount)
                            throw Bad($"{Describe(nodes[next])} has {W.ColumnCount} outputs but the affine map before it on the same input has {pieces[0].W.ColumnCount}: maxout pieces must have the same width.");
                        pieces.Add((W, B, output));
                        next = after;
                    }
                    if (pieces.Count == 1)
                    {
                        var (W, B, z) = pieces[0];
                        CoreActivation g = NoNode;
                        current = z;
                        if (next < nodes.Count && nodes[next].Input.Count > 0 && nodes[next].Input[0] == z && Activation(nodes[next]) is { } found)
                        {
                            Single(z, nodes[next]);
                            g = found;
                            current = Output(nodes[next]);
                            next++;
                        }
                        Add(Create(n, () => Networks.Dense(W, B, g)));
                    }
                    else
                    {
                        if (next >= nodes.Count || nodes[next].OpType != "Max" || nodes[next].Domain is not ("" or "ai.onnx"))
                            throw Bad($"{Describe(nodes[Math.Min(next, nodes.Count - 1)])}: {pieces.Count} affine maps read {Q(current)} but no Max joins them right after (Hybrid reads several maps of one input only as a maxout layer).");
                        var max = nodes[next];
                        var order = max.Input.ToList();
                        if (order.Count != pieces.Count || pieces.Any(p => !order.Contains(p.Output)) || order.Distinct().Count() != order.Count)
                            throw Bad($"{Describe(max)} must take exactly the outputs of the {pieces.Count} affine maps before it.");
                        foreach (var p in pieces) Single(p.Output, max);
                        var sorted = order.Select(o => pieces.First(p => p.Output == o)).ToArray();
                        Add(Create(max, () => Networks.Maxout(sorted.Select(p => p.W).ToArray(), sorted.Select(p => p.B).ToArray())));
                        current = Output(max);
                        next++;
                    }
                    width = pieces[0].W.ColumnCount;
                    i = next;
                    continue;
                }
                switch (n.OpType)
                {
                    case "Identity" when n.Domain is "" or "ai.onnx":
                        NoAttributes(n);
                        break;
                    case "Flatten" when n.Domain is "" or "ai.onnx":
                    {
                        long axis = IntAttribute(n, "axis", 1);
                        if (axis is not (1 or -1)) throw Bad($"{Describe(n)} flattens at axis {axis}; on a 2-D input [N, d] only axis 1 keeps the rows (Hybrid reads it as doing nothing).");
                        break;
                    }
                    case "Dropout" when n.Domain is "" or "ai.onnx":
                        Add(Networks.Dropout(DropoutRate(n)));
                        break;
                    case var op when n.Domain is "" or "ai.onnx" && Networks.ReadsOnnxOp(op):
                        var kind = KindNode(n, width);
                        layers.Add(kind);
                        width = kind.OutputWidth((int)width!.Value);
                        break;
                    default:
                        if (Activation(n) is not null)
                            throw Bad($"{Describe(n)} is an activation that does not directly follow an affine map (Gemm or MatMul): each Hybrid layer is an affine map with one activation after it.");
                        throw Bad($"{Describe(n)} is not supported: Hybrid reads Gemm, MatMul, Add (a bias after MatMul), Max (maxout), Identity, Flatten, Dropout and the activations of docs/onnx.md.");
                }
                current = Output(n);
                i++;
            }
            if (current != _output) throw Bad($"the graph's output {Q(_output)} is not the output of its last layer {Q(current)}.");
            if (layers.Count == 0) throw Bad("the graph has no affine map (Gemm or MatMul): there is no layer to read.");
            return Networks.Create(layers);
        }

        /// <summary>
        /// A layer of a kind that reads itself back from one node (the layer registry's FromOnnx, in
        /// the layer's file): the node's INT and FLOAT attributes, its inputs (each initializer's values
        /// where the input is one) and the width before it go to the kind, which checks them.
        /// </summary>
        private static readonly Func<string, string> QuoteName = name => Q(name);

        private LayerParts KindNode(NodeProto n, long? width)
        {
            if (width is not long d) throw Bad($"{Describe(n)} comes before any layer whose width Hybrid knows: it needs the width of the tensor it reads.");
            var ints = new Dictionary<string, long>(StringComparer.Ordinal);
            var floats = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var a in n.Attribute)
            {
                if (a.Type == AttributeProto.Types.AttributeType.Int) ints[a.Name] = a.I;
                else if (a.Type == AttributeProto.Types.AttributeType.Float) floats[a.Name] = a.F;
            }
            var names = n.Input.ToArray();
            var constants = new double[names.Length][];
            for (int k = 1; k < names.Length; k++)
                if (names[k].Length > 0 && _initializers.ContainsKey(names[k])) constants[k] = Initializer(n, names[k]).Values;
            try { return Networks.ReadOnnxLayer(n.OpType, Describe(n), (int)d, ints, floats, names, constants, QuoteName); }
            catch (FormatException e) { throw Bad(e.Message); }
            catch (ArgumentException e) { throw Bad($"{Describe(n)}: {e.Message}"); }
        }

        private static T Create<T>(NodeProto n, Func<T> create)
        {
            try { return create(); }
            catch (ArgumentException e) { throw Bad($"{Describe(n)}: {e.Message}"); }
        }

        /// <summary>The one output of n; a second output (Dropout's mask) must be unused.</summary>
        private string Output(NodeProto n)
        {
            if (n.Output.Count == 0 || n.Output[0].Length == 0) throw Bad($"{Describe(n)} has no output.");
            foreach (var extra in n.Output.Skip(1).Where(o => o.Length > 0))
                if (_uses.ContainsKey(extra) || extra == _output) throw Bad($"{Describe(n)}'s second output {Q(extra)} is used: Hybrid reads a chain of layers.");
            return n.Output[0];
        }

        /// <summary>A tensor inside a layer must be read by exactly the one node that follows it.</summary>
        private void Single(string tensor, NodeProto reader)
        {
            if (_uses.GetValueOrDefault(tensor) != 1 || tensor == _output)
                throw Bad($"{Q(tensor)}, read by {Describe(reader)}, is also read elsewhere: Hybrid reads a chain of layers (no branches).");
        }

        private void NoAttributes(NodeProto n, params string[] known)
        {
            foreach (var a in n.Attribute)
                if (!known.Contains(a.Name)) throw Bad($"{Describe(n)} has the attribute {Q(a.Name)}, which Hybrid does not read.");
        }

        private static long IntAttribute(NodeProto n, string name, long fallback)
        {
            var a = n.Attribute.FirstOrDefault(a => a.Name == name);
            if (a is null) return fallback;
            if (a.Type != AttributeProto.Types.AttributeType.Int && !(a.Type == AttributeProto.Types.AttributeType.Undefined && a.HasI))
                throw Bad($"{Describe(n)}: the attribute {Q(name)} must be an INT.");
            return a.I;
        }

        private static double FloatAttribute(NodeProto n, string name, double fallback)
        {
            var a = n.Attribute.FirstOrDefault(a => a.Name == name);
            if (a is null) return fallback;
            if (a.Type != AttributeProto.Types.AttributeType.Float && !(a.Type == AttributeProto.Types.AttributeType.Undefined && a.HasF))
                throw Bad($"{Describe(n)}: the attribute {Q(name)} must be a FLOAT.");
            return a.F;
        }

        /// <summary>The affine map at nodes[i]: Gemm, or MatMul with an optional Add of a bias. Returns W (d_in×d_out), b (1×d_out), its output and the index after it.</summary>
        private (Matrix<double> W, Matrix<double> B, string Output, int Next) Affine(IList<NodeProto> nodes, int i, long? width)
        {
            var n = nodes[i];
            Matrix<double> W;
            Matrix<double>? B = null;
            string output = Output(n);
            int next = i + 1;
            if (n.OpType == "Gemm")
            {
                NoAttributes(n, "alpha", "beta", "transA", "transB");
                if (FloatAttribute(n, "alpha", 1) != 1 || FloatAttribute(n, "beta", 1) != 1 || IntAttribute(n, "transA", 0) != 0)
                    throw Bad($"{Describe(n)} has alpha ≠ 1, beta ≠ 1 or transA ≠ 0; Hybrid reads Y = X·B + C (transB allowed).");
                if (n.Input.Count < 2) throw Bad($"{Describe(n)} has no weight input.");
                bool transB = IntAttribute(n, "transB", 0) != 0;
                var (dims, values) = Initializer(n, n.Input[1]);
                if (dims.Length != 2) throw Bad($"{Describe(n)}: the weights {Q(n.Input[1])} have rank {dims.Length}, not 2.");
                W = transB ? Matrix<double>.Build.Dense((int)dims[1], (int)dims[0], (r, c) => values[c * dims[1] + r])
                           : Matrix<double>.Build.Dense((int)dims[0], (int)dims[1], (r, c) => values[r * dims[1] + c]);
                if (n.Input.Count > 2 && n.Input[2].Length > 0) B = Bias(n, n.Input[2], W.ColumnCount);
            }
            else
            {
                NoAttributes(n);
                if (n.Input.Count != 2) throw Bad($"{Describe(n)} must have two inputs.");
                var (dims, values) = Initializer(n, n.Input[1]);
                if (dims.Length != 2) throw Bad($"{Describe(n)}: the weights {Q(n.Input[1])} have rank {dims.Length}, not 2.");
                W = Matrix<double>.Build.Dense((int)dims[0], (int)dims[1], (r, c) => values[r * dims[1] + c]);
                if (next < nodes.Count && nodes[next] is { OpType: "Add", Domain: "" or "ai.onnx" } add && add.Input.Contains(output))
                {
                    if (add.Input.Count != 2) throw Bad($"{Describe(add)} must have two inputs.");
                    NoAttributes(add);
                    Single(output, add);
                    B = Bias(add, add.Input[0] == output ? add.Input[1] : add.Input[0], W.ColumnCount);
                    output = Output(add);
                    next++;
                }
            }
            if (width is long d && W.RowCount != d)
                throw Bad($"{Describe(n)}: the weights have {W.RowCount} rows but the tensor it reads has {d} columns.");
            return (W, B ?? Matrices.Zeros(1, W.ColumnCount), output, next);
        }

        private Matrix<double> Bias(NodeProto n, string name, int units)
        {
            var (dims, values) = Initializer(n, name);
            bool row = dims.Length == 1 && dims[0] == units || dims.Length == 2 && dims[0] == 1 && dims[1] == units;
            if (!row) throw Bad($"{Describe(n)}: the bias {Q(name)} has shape [{string.Join(", ", dims)}] but must be [{units}] or [1, {units}] (one value per unit).");
            return Matrices.Row(values);
        }

        private double Scalar(NodeProto n, string name)
        {
            var (_, values) = Initializer(n, name);
            if (values.Length != 1) throw Bad($"{Describe(n)}: {Q(name)} has {values.Length} values; Hybrid reads one (a layer shares one slope).");
            return values[0];
        }

        private (long[] Dims, double[] Values) Initializer(NodeProto n, string name)
        {
            if (!_initializers.TryGetValue(name, out var t))
                throw Bad($"{Describe(n)} reads {Q(name)}, which is not an initializer: weights, biases and slopes must be constants of the model.");
            try { return OnnxTensors.Read(t); }
            catch (InvalidDataException e) { throw Bad($"{Describe(n)}: {e.Message}"); }
        }

        private double DropoutRate(NodeProto n)
        {
            NoAttributes(n, "ratio", "seed");
            if (n.Input.Count > 2 && n.Input[2].Length > 0)
            {
                // training_mode: only a constant false (inference) is an identity.
                bool constantFalse = _initializers.TryGetValue(n.Input[2], out var t) && t.DataType == (int)TensorProto.Types.DataType.Bool
                    && t.Dims.Count == 0 && (t.HasRawData ? t.RawData.Length == 1 && t.RawData[0] == 0 : t.Int32Data.Count == 1 && t.Int32Data[0] == 0);
                if (!constantFalse) throw Bad($"{Describe(n)} has a training_mode input that is not a constant false.");
            }
            double rate = n.Input.Count > 1 && n.Input[1].Length > 0 ? Scalar(n, n.Input[1]) : FloatAttribute(n, "ratio", 0.5);
            if (!(rate >= 0 && rate < 1)) throw Bad($"{Describe(n)} has the ratio {rate}; a dropout rate must lie in [0, 1).");
            return rate;
        }

        /// <summary>
        /// The S04 activation n computes, or null if n is no activation op, read from the registry's ONNX
        /// forms: a call of a local function of Hybrid's domain is the activation of its name (Z, then the
        /// hyper-parameter's scalar tensor); a standard node is the activation whose float32 or float64
        /// form is that op, its hyper-parameter read from the tensor input or the FLOAT attribute the form
        /// names (ONNX's default when the attribute is absent) and its INT attributes checked.
        /// </summary>
        private CoreActivation? Activation(NodeProto n)
        {
            if (n.Domain == Domain)
            {
                if (!_functions.TryGetValue(n.OpType, out var entry)) throw Bad($"{Describe(n)} calls a function the model does not define.");
                NoAttributes(n);
                int parameters = OnnxFunctions.Parameters(entry).Length;
                if (n.Input.Count != 1 + parameters) throw Bad($"{Describe(n)} must have {1 + parameters} inputs.");
                return Checked(n, entry, parameters == 0 ? 0 : Scalar(n, n.Input[1]));
            }
            if (n.Domain is not ("" or "ai.onnx")) return null;
            var (found, spec) = Standard(n.OpType);
            if (found is null || spec is null) return null;
            NoAttributes(n, spec.Attributes.Select(a => a.Name).ToArray());
            var inputs = spec.Inputs;
            if (inputs.Length > 1 && n.Input.Count != inputs.Length) throw Bad($"{Describe(n)} must have {Words(inputs.Length)} inputs.");
            double parameter = 0;
            for (int k = 0; k < inputs.Length; k++)
                if (inputs[k].Kind == nameof(Hybrid.Core.OnnxExpr.Parameter)) parameter = Scalar(n, n.Input[k]);
            foreach (var a in spec.Attributes)
            {
                if (a.IsParameter)
                {
                    // A FLOAT attribute: its default, too, is the float nearest ONNX's.
                    parameter = FloatAttribute(n, a.Name, (float)a.OnnxDefault);
                    continue;
                }
                if (a.Name == "axis")
                {
                    // Softmax and LogSoftmax: before opset 13 the default axis is 1 (coercing to 2-D), from 13 on it is −1; on [N, d] both are the rows.
                    long axis = IntAttribute(n, a.Name, _opset >= 13 ? -1 : 1);
                    if (Row(axis) != Row(a.IntValue)) throw Bad($"{Describe(n)} normalises over axis {axis}; Hybrid's {found.Display.ToLowerInvariant()} normalises each row (axis 1 = −1 of [N, d]).");
                    continue;
                }
                if (!n.Attribute.Any(t => t.Name == a.Name) || IntAttribute(n, a.Name, 0) != a.IntValue)
                    throw Bad($"{Describe(n)}: Hybrid's {found.Display.ToLowerInvariant()} has the attribute {a.Name} = {a.IntValue}.");
            }
            return Checked(n, found, parameter);
        }

        /// <summary>An axis of a 2-D tensor [N, d]: −1 is axis 1.</summary>
        private static long Row(long axis) => axis == -1 ? 1 : axis;

        private static string Words(int count) => count switch { 2 => "two", 3 => "three", _ => count.ToString() };

        /// <summary>The activation whose float32 or float64 form is the standard op, and that form's node (registry order; float32's form first).</summary>
        private static (ActivationCase?, OnnxNodeSpec?) Standard(string op)
        {
            foreach (var entry in Activations.Registered)
                foreach (var form in new[] { entry.OnnxSingle, entry.OnnxDouble })
                    if (form.Kind == nameof(Hybrid.Core.OnnxForm.Standard) && form.Body.Op == op) return (entry, form.Body);
            return (null, null);
        }

        private static CoreActivation Checked(NodeProto n, ActivationCase entry, double parameter)
        {
            try { return entry.Create(parameter, "activation"); }
            catch (ArgumentException e) { throw Bad($"{Describe(n)}: {e.Message}"); }
        }

        /// <summary>The activation of a layer with no activation node: the one written as no node (the identity).</summary>
        private static readonly CoreActivation NoNode = Activations.All.First(e => e.OnnxSingle.Kind == nameof(Hybrid.Core.OnnxForm.NoNode) && e.OnnxDouble.Kind == nameof(Hybrid.Core.OnnxForm.NoNode)).CreateDefault();
    }
}

/// <summary>Reads TensorProto values with every declared size checked against the bytes present.</summary>
internal static class OnnxTensors
{
    /// <summary>The dims and the values (widened to double) of a FLOAT or DOUBLE tensor stored in the model.</summary>
    internal static (long[] Dims, double[] Values) Read(TensorProto t)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw new InvalidDataException($"the tensor {Excerpt.Quote(t.Name)} keeps its data in an external file, which Hybrid does not read.");
        if (t.DataType is not (OnnxGraph.FloatType or OnnxGraph.DoubleType))
            throw new InvalidDataException($"the tensor {Excerpt.Quote(t.Name)} has data type {t.DataType}; Hybrid reads FLOAT (1) and DOUBLE (11) tensors.");
        var dims = t.Dims.ToArray();
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new InvalidDataException($"the tensor {Excerpt.Quote(t.Name)} has a negative dimension {d}.");
            // Checked against the bytes present below; this bound only keeps the product from overflowing.
            if (d > int.MaxValue || (count = count * d) > int.MaxValue)
                throw new InvalidDataException($"the tensor {Excerpt.Quote(t.Name)} declares dimensions [{string.Join(", ", dims)}], more values than any file can hold.");
        }
        if (count == 0) throw new InvalidDataException($"the tensor {Excerpt.Quote(t.Name)} is empty.");
        bool isDouble = t.DataType == OnnxGraph.DoubleType;
        int size = isDouble ? 8 : 4;
        long present = t.HasRawData ? t.RawData.Length / size : isDouble ? t.DoubleData.Count : t.FloatData.Count;
        if (t.HasRawData && t.RawData.Length % size != 0 || present != count || (t.HasRawData && (isDouble ? t.DoubleData.Count : t.FloatData.Count) > 0))
            throw new InvalidDataException($"the tensor {Excerpt.Quote(t.Name)} declares [{string.Join(", ", dims)}] = {count} values but holds {(t.HasRawData ? $"{t.RawData.Length} bytes of raw data" : $"{present} values")} (truncated or corrupted?).");
        var values = new double[count];
        var raw = t.RawData.Span;
        for (int i = 0; i < values.Length; i++)
            values[i] = t.HasRawData
                ? isDouble ? BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]) : BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..])
                : isDouble ? t.DoubleData[i] : t.FloatData[i];
        return (dims, values);
    }
}
