using Hybrid.Core.Interop;
using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>
/// Describes a network layer by layer; <see cref="Build(Initializer)"/> draws the weights and
/// returns an immutable <see cref="Network"/>. Every method checks its arguments at once (widths,
/// rates, given weight shapes and values) and returns a NEW builder: a builder is immutable, so a
/// prefix can be shared and extended in different ways.
/// </summary>
public sealed class NetworkBuilder
{
    internal abstract record Spec;
    internal sealed record DenseSpec(int Units, Activation Activation, Initializer? Init, Matrix<double>? W, Matrix<double>? B) : Spec;
    internal sealed record MaxoutSpec(int Units, int Pieces, Initializer? Init, Matrix<double>[]? W, Matrix<double>[]? B) : Spec;
    /// <summary>A layer made from its settings by its kind (the core's layer registry): dropout, layer normalisation.</summary>
    internal sealed record MadeSpec(LayerParts Layer) : Spec;

    // The layers as an immutable chain from the last one back (a builder shares its prefix with
    // the builder it came from): appending is O(1), so a deep network builds in linear time.
    // A class, not a record: a record's generated Equals and ToString would recurse along the chain.
    private sealed class Node(Spec spec, Node? previous, int count)
    {
        public Spec Spec { get; } = spec;
        public Node? Previous { get; } = previous;
        public int Count { get; } = count;
    }

    private readonly int _inputs;
    private readonly int _width;
    private readonly long _parameters;
    private readonly Node? _last;

    internal NetworkBuilder(int inputs)
    {
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "A network needs at least 1 input.");
        if (inputs > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(inputs), inputs, $"A network takes at most {Array.MaxLength} inputs (the largest .NET array: each layer's weights, inputs × units, are one array).");
        _inputs = inputs;
        _width = inputs;
    }

    private NetworkBuilder(int inputs, int width, long parameters, Node last)
    {
        _inputs = inputs;
        _width = width;
        _parameters = parameters;
        _last = last;
    }

    /// <summary>A new builder with the layer appended; its parameters are added to the total, which must stay within ParameterCount's int (the error names <paramref name="paramName"/>).</summary>
    private NetworkBuilder With(Spec spec, int width, long parameters = 0, string paramName = "units")
    {
        long total = _parameters + parameters;
        Matrices.CheckParameterTotal(paramName, total);
        return new(_inputs, width, total, new Node(spec, _last, LayerCount + 1));
    }

    /// <summary>The layers in order (a walk back along the chain, no recursion).</summary>
    private Spec[] Specs()
    {
        var specs = new Spec[LayerCount];
        for (var node = _last; node is not null; node = node.Previous) specs[node.Count - 1] = node.Spec;
        return specs;
    }

    /// <summary>The number of input columns.</summary>
    public int InputCount => _inputs;

    /// <summary>The number of layers added so far (dense, maxout and dropout).</summary>
    public int LayerCount => _last?.Count ?? 0;

    /// <summary>The width of the last layer so far (the inputs if there is none).</summary>
    public int OutputCount => _width;

    /// <summary>Adds a dense layer A = g(X·W + 1·b) whose weights <see cref="Build(Initializer)"/> draws.</summary>
    /// <param name="units">Output width, ≥ 1.</param>
    /// <param name="activation">Its activation g.</param>
    /// <returns>A new builder with the layer appended.</returns>
    /// <exception cref="ArgumentException">units &lt; 1, (width so far) × units above <see cref="Array.MaxLength"/> (2,147,483,591, the largest array), or the network would have more than <see cref="int.MaxValue"/> parameters; the message gives the size and the limit.</exception>
    /// <exception cref="ArgumentNullException">activation is null.</exception>
    public NetworkBuilder Dense(int units, Activation activation) => DenseCore(units, activation, null);

    /// <summary>Adds a dense layer whose weights are drawn by its own initialiser (not the one given to Build).</summary>
    /// <param name="units">Output width, ≥ 1.</param>
    /// <param name="activation">Its activation g.</param>
    /// <param name="initializer">The initialiser of this layer's weights.</param>
    /// <returns>A new builder with the layer appended.</returns>
    /// <exception cref="ArgumentException">units &lt; 1, (width so far) × units above <see cref="Array.MaxLength"/> (2,147,483,591, the largest array), or the network would have more than <see cref="int.MaxValue"/> parameters; the message gives the size and the limit.</exception>
    /// <exception cref="ArgumentNullException">activation or initializer is null.</exception>
    public NetworkBuilder Dense(int units, Activation activation, Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return DenseCore(units, activation, initializer);
    }

    private NetworkBuilder DenseCore(int units, Activation activation, Initializer? initializer)
    {
        if (units < 1) throw new ArgumentOutOfRangeException(nameof(units), units, "A dense layer needs at least 1 unit.");
        ArgumentNullException.ThrowIfNull(activation);
        Matrices.CheckEntries(nameof(units), _width, units);
        return With(new DenseSpec(units, activation, initializer, null, null), units, DenseParameters(_width, units, activation));
    }

    /// <summary>
    /// Adds a dense layer with the given weights and biases (copied), e.g. to reproduce a worked
    /// example by hand. Convention: one example per row, so weights is inputs×units
    /// (Z = X·W + 1·b).
    /// </summary>
    /// <param name="weights">W, (width of the previous layer)×units.</param>
    /// <param name="biases">b, one per unit.</param>
    /// <param name="activation">Its activation g.</param>
    /// <returns>A new builder with the layer appended.</returns>
    /// <exception cref="ArgumentException">Shapes do not chain or a value is not finite (the message names the row and column).</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public NetworkBuilder Dense(double[,] weights, double[] biases, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        ArgumentNullException.ThrowIfNull(activation);
        var (w, b) = CheckedPiece(weights, biases, nameof(weights), nameof(biases));
        return With(new DenseSpec(w.ColumnCount, activation, null, w, b), w.ColumnCount, DenseParameters(_width, w.ColumnCount, activation), nameof(weights));
    }

    /// <summary>Adds a maxout layer A = max_j (X·W_j + 1·b_j) over k linear pieces (S04), whose weights Build draws.</summary>
    /// <param name="units">Output width, ≥ 1.</param>
    /// <param name="pieces">The number k ≥ 2 of linear pieces.</param>
    /// <returns>A new builder with the layer appended.</returns>
    /// <exception cref="ArgumentException">units &lt; 1 or pieces &lt; 2, (width so far) × units above <see cref="Array.MaxLength"/>, or the network would have more than <see cref="int.MaxValue"/> parameters (named pieces).</exception>
    public NetworkBuilder Maxout(int units, int pieces)
    {
        if (units < 1) throw new ArgumentOutOfRangeException(nameof(units), units, "A maxout layer needs at least 1 unit.");
        if (pieces < 2) throw new ArgumentOutOfRangeException(nameof(pieces), pieces, "A maxout layer needs at least 2 pieces.");
        Matrices.CheckEntries(nameof(units), _width, units);
        return With(new MaxoutSpec(units, pieces, null, null, null), units, pieces * ((long)_width * units + units), nameof(pieces));
    }

    /// <summary>Adds a maxout layer with the given pieces (copied): weights[j] is inputs×units and biases[j] has one value per unit.</summary>
    /// <param name="weights">The k ≥ 2 weight matrices W_j.</param>
    /// <param name="biases">The k biases b_j.</param>
    /// <returns>A new builder with the layer appended.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 pieces, shapes that do not agree, or a non-finite value.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public NetworkBuilder Maxout(double[][,] weights, double[][] biases)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (weights.Length < 2) throw new ArgumentException($"A maxout layer needs at least 2 pieces but {weights.Length} weight matrices were given.", nameof(weights));
        if (biases.Length != weights.Length) throw new ArgumentException($"{weights.Length} weight matrices but {biases.Length} bias vectors: give one per piece.", nameof(biases));
        var ws = new Matrix<double>[weights.Length];
        var bs = new Matrix<double>[weights.Length];
        for (int j = 0; j < weights.Length; j++)
        {
            if (weights[j] is null) throw new ArgumentException($"weights[{j}] is null.", nameof(weights));
            if (biases[j] is null) throw new ArgumentException($"biases[{j}] is null.", nameof(biases));
            (ws[j], bs[j]) = CheckedPiece(weights[j], biases[j], $"weights[{j}]", $"biases[{j}]");
            if (ws[j].ColumnCount != ws[0].ColumnCount)
                throw new ArgumentException($"weights[{j}] has {ws[j].ColumnCount} columns but weights[0] has {ws[0].ColumnCount}: every piece must have the same shape.", nameof(weights));
        }
        return With(new MaxoutSpec(ws[0].ColumnCount, ws.Length, null, ws, bs), ws[0].ColumnCount, ws.Length * ((long)_width * ws[0].ColumnCount + ws[0].ColumnCount), nameof(weights));
    }

    /// <summary>Adds inverted dropout: in training each activation is kept with probability 1 − rate and scaled by 1/(1 − rate); at inference the layer does nothing.</summary>
    /// <param name="rate">The drop probability in [0, 1).</param>
    /// <returns>A new builder with the layer appended.</returns>
    /// <exception cref="ArgumentException">rate outside [0, 1).</exception>
    public NetworkBuilder Dropout(double rate)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must lie in [0, 1).");
        return Made("dropout", LayerFieldView.OfNumber("rate", rate));
    }

    /// <summary>
    /// Adds layer normalisation over the current width d: each example's features are centred and
    /// scaled to unit variance, x̂ = (x − μ)/√(σ² + ε), then A = γ ⊙ x̂ + β with learned γ (starting
    /// at 1) and β (starting at 0), 2d parameters (Keras's LayerNormalization, PyTorch's LayerNorm
    /// over the last dimension).
    /// </summary>
    /// <param name="epsilon">ε inside the square root; finite and &gt; 0 (default 1e-5, PyTorch's).</param>
    /// <returns>A new builder with the layer appended.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is not finite and positive.</exception>
    public NetworkBuilder LayerNorm(double epsilon = 1e-5)
    {
        if (!(double.IsFinite(epsilon) && epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be finite and positive.");
        return Made("layerNorm", LayerFieldView.OfNumber("epsilon", epsilon));
    }

    /// <summary>
    /// Adds a layer of your own with these parameter values (docs/extending.md). By default its laws run first (30 cases, on
    /// parameters of these shapes) and a layer that fails one is refused; <c>verify: false</c> skips them. Adding it registers
    /// its definition, so the network's model file can be loaded in this process.
    /// </summary>
    /// <param name="definition">The layer.</param>
    /// <param name="parameters">Its starting parameters, in the order of its parameter names.</param>
    /// <param name="verify">Whether to run the laws first (default true).</param>
    /// <returns>A new builder with the layer appended.</returns>
    /// <exception cref="VerificationException">A law failed (the message is the report with the counterexample).</exception>
    /// <exception cref="ArgumentException">An argument is null, the parameters do not fit the layer or the width before it, or hold a value that is not finite.</exception>
    public NetworkBuilder Layer(LayerDefinition definition, IReadOnlyList<Matrix<double>> parameters, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var ps = LayerDefinition.Checked(parameters);
        var layer = ExtendingLayers.Create(definition.Core, _width, ps);
        if (verify) Verification.Check(definition, _width, ps, VerificationOptions.Fast).ThrowIfFailed();
        definition.Register();
        return With(new MadeSpec(layer), layer.OutputWidth(_width), layer.ParameterCount, nameof(parameters));
    }

    // A layer its kind makes from settings (Networks.Make), counted by the core.
    private NetworkBuilder Made(string kind, params LayerFieldView[] settings)
    {
        var layer = Networks.Make(kind, _width, settings);
        return With(new MadeSpec(layer), layer.OutputWidth(_width), layer.ParameterCount);
    }

    // The core's count (Dense.parameterCountOf: d_in·d_out + d_out, +1 for PReLU's α; S14).
    private static long DenseParameters(int width, int units, Activation activation) =>
        Networks.DenseParameterCount(width, units, activation.Core);

    private (Matrix<double> W, Matrix<double> B) CheckedPiece(double[,] weights, double[] biases, string wName, string bName)
    {
        var w = Matrix<double>.Build.DenseOfArray(weights);
        if (w.RowCount != _width)
            throw new ArgumentException($"{wName} is {w.RowCount}×{w.ColumnCount} but must have {_width} rows (the width of what comes before it).", wName);
        if (w.ColumnCount < 1) throw new ArgumentException($"{wName} has no columns: a layer needs at least 1 unit.", wName);
        Matrices.CheckFinite(wName, w);
        if (biases.Length != w.ColumnCount)
            throw new ArgumentException($"{bName} has {biases.Length} values but {wName} has {w.ColumnCount} columns: give one bias per unit.", bName);
        var b = Matrices.Row((double[])biases.Clone());
        Matrices.CheckFinite(bName, b);
        return (w, b);
    }

    /// <summary>Builds the network, drawing every layer's weights that were not given (biases 0).
    /// Layer l is seeded with a seed derived from (initializer.Seed, l).</summary>
    /// <param name="initializer">The initialiser for layers without their own (e.g. <c>Initializer.He(seed: 7)</c> or <c>Initializer.Default(seed)</c>).</param>
    /// <returns>An immutable network.</returns>
    /// <exception cref="ArgumentNullException">initializer is null.</exception>
    /// <exception cref="InvalidOperationException">No dense or maxout layer was added.</exception>
    public Network Build(Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return BuildCore(initializer);
    }

    /// <summary>Builds a network whose every trainable layer has given weights or its own initialiser.</summary>
    /// <returns>An immutable network.</returns>
    /// <exception cref="InvalidOperationException">A layer has neither weights nor an initialiser, or there is no trainable layer.</exception>
    public Network Build() => BuildCore(null);

    private Network BuildCore(Initializer? shared)
    {
        var specs = Specs();
        if (!specs.Any(s => s is DenseSpec or MaxoutSpec || (s is MadeSpec m && m.Layer.ParameterCount > 0 && LayerKinds.FromCore(m.Layer.Kind) == LayerKind.Custom)))
            throw new InvalidOperationException("A network needs at least one dense or maxout layer (or a layer of your own with parameters): call Dense(...) before Build.");
        var layers = new List<LayerParts>(specs.Length);
        int fanIn = _inputs;
        for (int l = 0; l < specs.Length; l++)
        {
            switch (specs[l])
            {
                case DenseSpec d:
                {
                    var w = d.W ?? Draw(d.Init ?? shared, d.Activation.Core, l, -1, fanIn, d.Units);
                    var b = d.B ?? Matrices.Zeros(1, d.Units);
                    layers.Add(Networks.Dense(w, b, d.Activation.Core));
                    fanIn = d.Units;
                    break;
                }
                case MaxoutSpec m:
                {
                    var ws = m.W ?? Enumerable.Range(0, m.Pieces).Select(j => Draw(m.Init ?? shared, null, l, j, fanIn, m.Units)).ToArray();
                    var bs = m.B ?? Enumerable.Range(0, m.Pieces).Select(_ => Matrices.Zeros(1, m.Units)).ToArray();
                    layers.Add(Networks.Maxout(ws, bs));
                    fanIn = m.Units;
                    break;
                }
                case MadeSpec m:
                    layers.Add(m.Layer);
                    fanIn = m.Layer.OutputWidth(fanIn);
                    break;
            }
        }
        return new Network(Networks.Create(layers));
    }

    private static Matrix<double> Draw(Initializer? init, Hybrid.Core.Activation? activation, int layer, int piece, int fanIn, int fanOut)
    {
        if (init is null)
            throw new InvalidOperationException($"Layer {layer} has no weights and no initialiser: call Build(initializer), e.g. Build(Initializer.Default(seed: 0)).");
        int seed = Rules.Derive(init.Seed, layer);
        if (piece >= 0) seed = Rules.Derive(seed, piece);
        return Rules.Weights(init.For(activation), seed, fanIn, fanOut);
    }
}
