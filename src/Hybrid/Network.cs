using Hybrid.Core;
using Hybrid.Core.Interop;
using MathNet.Numerics.LinearAlgebra;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>
/// A feed-forward network of dense, maxout and dropout layers. Immutable: nothing changes it
/// after it is built; training returns a new network (<see cref="TrainingResult.Network"/>), and
/// every array it hands out is a copy. Convention: one example per row, Z = X·W + 1·b.
/// Every formula it applies is a call into the F# core (<c>Hybrid.Core.Network</c>).
/// </summary>
public sealed class Network
{
    internal CoreNetwork Model { get; }

    internal Network(CoreNetwork model, Precision precision = Precision.Double)
    {
        Model = model;
        Precision = precision;
        // Computed once (the core's inputSize allocates an option): Predict on one row reads it.
        InputCount = Networks.InputSize(model);
    }

    /// <summary>Starts describing a network with the given number of inputs.</summary>
    /// <param name="inputs">Input columns, 1 ≤ inputs ≤ <see cref="Array.MaxLength"/> (2,147,483,591: each layer's weights are one array).</param>
    /// <returns>An empty builder.</returns>
    /// <exception cref="ArgumentException">inputs &lt; 1 or above <see cref="Array.MaxLength"/>.</exception>
    public static NetworkBuilder Create(int inputs) => new(inputs);

    /// <summary>Input columns d_in.</summary>
    public int InputCount { get; }

    /// <summary>Output columns.</summary>
    public int OutputCount => Networks.OutputSize(Model);

    /// <summary>Trainable parameters: Σ (d_in·d_out + d_out) over dense layers (+1 per PReLU), k times that per maxout layer (S14).</summary>
    public int ParameterCount => Networks.ParameterCount(Model);

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<LayerInfo> Layers
    {
        get
        {
            var list = new List<LayerInfo>();
            int width = InputCount;
            foreach (var layer in Networks.Layers(Model))
            {
                var info = new LayerInfo(LayerKinds.FromCore(layer.Kind), width, layer.OutputWidth(width),
                    layer.Activation is null ? null : Activation.FromCore(layer.Activation), layer.Weights.Length, layer.DropoutRate, layer.ParameterCount);
                width = info.Units;
                list.Add(info);
            }
            return list.AsReadOnly();
        }
    }

    /// <summary>The loss <see cref="Evaluate(Features, Targets)"/> uses: cross-entropy after a softmax, binary cross-entropy after a sigmoid, mean squared error otherwise.</summary>
    public Loss DefaultLoss
    {
        get
        {
            var last = Networks.LastLayer(Model);
            string g = LayerKinds.FromCore(last.Kind) == LayerKind.Dense ? Activations.CaseName(last.Activation) : "";
            return g == nameof(Hybrid.Core.Activation.Softmax) && OutputCount > 1 ? Loss.CrossEntropy
                 : g == nameof(Hybrid.Core.Activation.Sigmoid) ? Loss.BinaryCrossEntropy : Loss.MeanSquaredError;
        }
    }

    // ------------------------------------------------------------------ inference

    private Matrix<double> Input(Features x) => DataConvert.Checked(x.ToMatrix(nameof(x)), InputCount, nameof(x));

    /// <summary>The forward pass with the overflow check of docs/facade-network.md "Overflow policy".</summary>
    // A float32 network predicts in float32 (the fast path's layers at float32), a float64 one on the
    // reference path; the loss and gradients (verification) always take the float64 reference path.
    private Matrix<double> Forward(Matrix<double> X, bool reference = false)
    {
        bool single = Precision == Precision.Single && !reference;
        var forward = single ? Networks.ForwardSingle(Model, X) : Networks.Forward(Model, X);
        if (forward.NonFiniteLayer >= 0)
            throw Overflow(forward.NonFiniteLayer, forward.NonFiniteRow, forward.NonFiniteColumn, single);
        return forward.Output;
    }

    private static OverflowException Overflow(int layer, int row, int column, bool single) =>
        new($"The forward pass overflowed: layer {layer} has a non-finite value at row {row}, column {column} "
            + $"(inputs or weights too large in magnitude: a product or sum passed {(single ? "±3.4e38, float32's largest value" : "±1.8e308")}). "
            + "No result is returned rather than one computed from NaN.");

    /// <summary>Throws OverflowException unless the loss (and every gradient) is finite.</summary>
    private static double Checked(double loss, IEnumerable<Matrix<double>>? gradients = null)
    {
        if (!double.IsFinite(loss))
            throw new OverflowException($"The loss overflowed ({loss}): targets or outputs too large in magnitude (a squared error or sum passed ±1.8e308).");
        if (gradients is not null && !gradients.All(Matrices.IsFinite))
            throw new OverflowException("A gradient overflowed: targets or outputs too large in magnitude.");
        return loss;
    }

    /// <summary>The outputs for each row of x (dropout off).</summary>
    /// <param name="x">n×InputCount rows.</param>
    /// <returns>n rows of OutputCount values.</returns>
    /// <exception cref="ArgumentException">x is empty, ragged, has the wrong width or a non-finite value (named by row and column).</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public double[][] Predict(double[][] x) => Forward(Input(x)).ToRowArrays();

    /// <summary>The outputs for each row of x (dropout off).</summary>
    /// <param name="x">An n×InputCount array.</param>
    /// <returns>An n×OutputCount array.</returns>
    /// <exception cref="ArgumentException">x is empty, has the wrong width or a non-finite value.</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public double[,] Predict(double[,] x) => Forward(Input(x)).ToArray();

    /// <summary>The outputs for each row of x (dropout off).</summary>
    /// <param name="x">An n×InputCount matrix (not modified).</param>
    /// <returns>A new n×OutputCount matrix.</returns>
    /// <exception cref="ArgumentException">x is empty, has the wrong width or a non-finite value.</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public Matrix<double> Predict(Matrix<double> x) => Forward(Input(x));

    /// <summary>The outputs for one example.</summary>
    /// <param name="example">InputCount values.</param>
    /// <returns>OutputCount values.</returns>
    /// <exception cref="ArgumentException">Wrong length or a non-finite value.</exception>
    /// <exception cref="ArgumentNullException">example is null.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public double[] Predict(double[] example)
    {
        ArgumentNullException.ThrowIfNull(example);
        // Bad input goes through the matrix overloads' checks (same messages: empty, then
        // finite, then the width), which throw; good input takes the fast path's one-row
        // forward pass, which allocates only the result.
        bool finite = true;
        foreach (double v in example) finite &= double.IsFinite(v);
        if (example.Length != InputCount || !finite)
            DataConvert.Checked(((Features)new[] { example }).ToMatrix(nameof(example)), InputCount, nameof(example));
        // A float32 network's one row takes the float32 batch path (its buffers are made per call).
        if (Precision == Precision.Single) return Forward(Matrix<double>.Build.DenseOfRowArrays(example)).Row(0).ToArray();
        var result = Networks.PredictRow(Model, example, out int layer, out int column);
        if (result is null) throw Overflow(layer, 0, column, single: false);
        return result;
    }

    /// <summary>
    /// The predicted class of each row: the argmax of the outputs, or, for a single output, 1 if it
    /// is ≥ 0.5 and 0 otherwise. The 0.5 threshold suits 0/1 targets (a sigmoid output); for the
    /// hinge and logistic losses, whose targets are −1/1, <see cref="Evaluate(Features, Targets, Loss)"/>
    /// uses the threshold 0 instead: use <see cref="PredictClasses(Features, Loss)"/> to get the
    /// classes Evaluate counts.
    /// </summary>
    /// <param name="x">Input rows.</param>
    /// <returns>One class index per row.</returns>
    /// <exception cref="ArgumentException">Bad input as for Predict.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public int[] PredictClasses(Features x) => Rules.ClassesOf(Loss.MeanSquaredError.Core, Forward(Input(x)));

    /// <summary>
    /// The predicted class of each row by the rule <see cref="Evaluate(Features, Targets, Loss)"/>
    /// uses with this loss: the argmax of the outputs; for a single output, 1 if it is ≥ 0 for the
    /// hinge and logistic losses (targets −1/1) and ≥ 0.5 for every other loss, else 0.
    /// </summary>
    /// <param name="x">Input rows.</param>
    /// <param name="loss">The loss whose class rule to apply.</param>
    /// <returns>One class index per row.</returns>
    /// <exception cref="ArgumentNullException">loss is null.</exception>
    /// <exception cref="ArgumentException">Bad input as for Predict.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public int[] PredictClasses(Features x, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return Rules.ClassesOf(loss.Core, Forward(Input(x)));
    }

    // ------------------------------------------------------------------ evaluation and gradients

    private (Matrix<double> X, Matrix<double> Y) Batch(Features x, Targets y, Loss loss)
    {
        // Whether the loss fits the last layer comes first: it does not depend on the data.
        TrainingMessages.CheckLossFits(loss.Core, Model);
        var X = Input(x);
        var Y = y.ToMatrix(nameof(y), OutputCount, loss.Core);
        if (Y.RowCount != X.RowCount)
            throw new ArgumentException($"x has {X.RowCount} rows but y has {Y.RowCount}: give one target per example.", nameof(y));
        Rules.CheckTargets(nameof(y), loss.Core, Y);
        return (X, Y);
    }

    /// <summary>Loss (with <see cref="DefaultLoss"/>), accuracy and confusion matrix on (x, y), dropout off.</summary>
    /// <param name="x">Input rows.</param>
    /// <param name="y">Class labels or target rows.</param>
    /// <returns>The evaluation.</returns>
    /// <exception cref="ArgumentException">Bad shapes, empty data, non-finite values or labels out of range.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public Evaluation Evaluate(Features x, Targets y) => Evaluate(x, y, DefaultLoss);

    /// <summary>Loss, accuracy and confusion matrix on (x, y) with the given loss, dropout off.</summary>
    /// <param name="x">Input rows.</param>
    /// <param name="y">Class labels or target rows.</param>
    /// <param name="loss">The loss to report.</param>
    /// <returns>The evaluation.</returns>
    /// <exception cref="ArgumentException">Bad shapes, empty data, non-finite values, labels out of range, target values the loss does not take (named by y, row and column: cross-entropy targets in [0, 1], hinge and logistic −1 or 1, multiclass hinge one-hot rows), or a loss that does not fit the output.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public Evaluation Evaluate(Features x, Targets y, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var (X, Y) = Batch(x, y, loss);
        var Yhat = Forward(X);
        // A float32 network's loss is that of its float32 predictions, as its accuracy is.
        double J = Checked(Precision == Precision.Single ? Rules.LossOf(loss.Core, Yhat, Y) : Networks.Loss(loss.Core, Model, X, Y));
        return new Evaluation(J, Rules.Accuracy(loss.Core, Yhat, Y), Rules.Confusion(loss.Core, Yhat, Y), X.RowCount);
    }

    /// <summary>The loss J on (x, y), dropout off, no regularisation.</summary>
    /// <param name="loss">The loss.</param>
    /// <param name="x">Input rows.</param>
    /// <param name="y">Class labels or target rows.</param>
    /// <returns>J.</returns>
    /// <exception cref="ArgumentException">Bad input as for Evaluate.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public double ComputeLoss(Loss loss, Features x, Targets y)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var (X, Y) = Batch(x, y, loss);
        Forward(X, reference: true);
        return Checked(Networks.Loss(loss.Core, Model, X, Y));
    }

    /// <summary>
    /// The loss and the gradient of every parameter on the batch (x, y), without training (what a
    /// gradient check or a course exercise needs). Dropout off. With l2 = λ &gt; 0 the loss includes
    /// λ·Σ‖W‖² and each weight gradient 2λ·W.
    /// </summary>
    /// <param name="loss">The loss.</param>
    /// <param name="x">Input rows.</param>
    /// <param name="y">Class labels or target rows.</param>
    /// <param name="l2">λ ≥ 0.</param>
    /// <returns>J and one gradient per parameter, in the order of <see cref="GetParameters"/>.</returns>
    /// <exception cref="ArgumentException">Bad input as for Evaluate, or λ negative or not finite.</exception>
    /// <exception cref="OverflowException">A layer's value or the loss overflowed to NaN or ±∞ although the inputs were finite (docs/facade-network.md "Overflow policy").</exception>
    public LossGradient ComputeGradients(Loss loss, Features x, Targets y, double l2 = 0)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (!double.IsFinite(l2) || l2 < 0) throw new ArgumentOutOfRangeException(nameof(l2), l2, "l2 must be a finite number >= 0.");
        var (X, Y) = Batch(x, y, loss);
        Forward(X, reference: true);
        var r = Networks.Gradients(l2, loss.Core, Model, X, Y);
        return new LossGradient(Checked(r.Loss, r.Flat), Describe(r.Flat), r.Layers.Select(LayerGradient.FromCore).ToList().AsReadOnly());
    }

    /// <summary>Every parameter with its name and a copy of its values, in the core's order: per dense layer W, b (and α for PReLU); per maxout layer W_1..W_k, b_1..b_k.</summary>
    /// <returns>The parameters.</returns>
    public IReadOnlyList<Parameter> GetParameters() => Describe(Networks.Parameters(Model));

    private IReadOnlyList<Parameter> Describe(IEnumerable<Matrix<double>> values)
    {
        var names = Networks.ParameterNames(Model);
        return values.Select((m, i) => new Parameter(names[i], m.ToArray())).ToList().AsReadOnly();
    }

    // ------------------------------------------------------------------ weights

    private LayerParts LayerAt(int layer)
    {
        int count = Networks.LayerCount(Model);
        if (layer < 0 || layer >= count)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The network has layers 0..{count - 1}.");
        return Networks.Layer(Model, layer);
    }

    private (Matrix<double> W, Matrix<double> B) Piece(int layer, int piece)
    {
        var parts = LayerAt(layer);
        switch (LayerKinds.FromCore(parts.Kind))
        {
            case LayerKind.Dense:
                if (piece != 0) throw new ArgumentOutOfRangeException(nameof(piece), piece, "A dense layer has only piece 0.");
                return (parts.Weights[0], parts.Biases[0]);
            case LayerKind.Maxout:
                if (piece < 0 || piece >= parts.Weights.Length)
                    throw new ArgumentOutOfRangeException(nameof(piece), piece, $"Layer {layer} has pieces 0..{parts.Weights.Length - 1}.");
                return (parts.Weights[piece], parts.Biases[piece]);
            default:
                throw new ArgumentException($"Layer {layer} is a {parts.Kind} layer: it has no weights.", nameof(layer));
        }
    }

    /// <summary>A copy of a layer's weights W (inputs×units); for maxout, of piece <paramref name="piece"/>.</summary>
    /// <param name="layer">0-based layer index (dropout layers count).</param>
    /// <param name="piece">The maxout piece (0 for dense layers).</param>
    /// <returns>A new array.</returns>
    /// <exception cref="ArgumentException">No such layer or piece, or a dropout layer.</exception>
    public double[,] GetWeights(int layer, int piece = 0) => Piece(layer, piece).W.ToArray();

    /// <summary>A copy of a layer's biases b (one per unit); for maxout, of piece <paramref name="piece"/>.</summary>
    /// <param name="layer">0-based layer index.</param>
    /// <param name="piece">The maxout piece (0 for dense layers).</param>
    /// <returns>A new array.</returns>
    /// <exception cref="ArgumentException">No such layer or piece, or a dropout layer.</exception>
    public double[] GetBiases(int layer, int piece = 0) => Piece(layer, piece).B.Row(0).ToArray();

    // ------------------------------------------------------------------ persistence

    /// <summary>The network in the versioned JSON format of docs/model-format.md (UTF-8 text).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(ModelFormat.Write(Model, precision: Precision));

    /// <summary>Reads a network from the JSON format of docs/model-format.md (a leading byte order mark U+FEFF is accepted), with the default <see cref="ModelLimits"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The network.</returns>
    /// <exception cref="ArgumentNullException">json is null.</exception>
    /// <exception cref="InvalidDataException">The text is not a valid model: truncated, corrupted, inconsistent, of a newer version, or beyond a limit.</exception>
    public static Network FromJson(string json) => FromJson(json, ModelLimits.Default);

    /// <summary>Reads a network from the JSON format of docs/model-format.md under the given limits.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="limits">The size and layer limits (the UTF-8 length of the text counts as the file size).</param>
    /// <returns>The network.</returns>
    /// <exception cref="ArgumentNullException">json or limits is null.</exception>
    /// <exception cref="InvalidDataException">The text is not a valid model: truncated, corrupted, inconsistent, of a newer version, or beyond a limit (the message names it).</exception>
    public static Network FromJson(string json, ModelLimits limits)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(limits);
        return Of(ModelFormat.ReadContents(json, limits));
    }

    /// <summary>
    /// Saves the network atomically: it writes a temporary file <c>.hybrid-save-&lt;tag&gt;-&lt;guid&gt;.tmp</c>
    /// in the same directory, flushes it to disk, renames it over <paramref name="path"/> and
    /// flushes the directory (Unix); a process killed mid-save leaves the old file (if any) intact.
    /// Then it removes stale temporary files that killed saves of the same path left behind
    /// (docs/model-format.md "Atomic writes"). Saving the same network twice writes the same bytes.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names an existing directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written (an I/O error).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public void Save(string path) => ModelFormat.Save(Model, path, precision: Precision);

    /// <summary>Loads a network saved by <see cref="Save"/>, with the default <see cref="ModelLimits"/> (1 GiB, 100,000 layers). A leading UTF-8 byte order mark is accepted.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The network: its predictions are bit-identical to the saved one's.</returns>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, names a directory, or names something other than a regular file (a named pipe, a device).</exception>
    /// <exception cref="FileNotFoundException">The file (or its directory) does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read (an I/O error).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model: truncated, corrupted, inconsistent, of a newer version, or beyond a limit.</exception>
    public static Network Load(string path) => Load(path, ModelLimits.Default);

    /// <summary>
    /// Loads a network saved by <see cref="Save"/> under the given limits. The file is read as a
    /// stream: memory stays near the parameters' own size (8 bytes each) plus 64 KiB, whatever the
    /// file holds (docs/model-format.md "Limits and policies").
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="limits">The size and layer limits.</param>
    /// <returns>The network.</returns>
    /// <exception cref="ArgumentNullException">limits is null.</exception>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, names a directory, or names something other than a regular file (a named pipe, a device).</exception>
    /// <exception cref="FileNotFoundException">The file (or its directory) does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read (an I/O error).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model: truncated, corrupted, inconsistent, of a newer version, or beyond a limit (the message names it).</exception>
    public static Network Load(string path, ModelLimits limits) => Of(ModelFormat.LoadContents(path, limits));

    private static Network Of(ModelContents contents) => new(contents.Network, contents.Precision);

    /// <summary>
    /// The precision the network was trained in: <see cref="Precision.Single"/> when a <see cref="Trainer"/> with
    /// <c>Precision = Precision.Single</c> made it (its weights are float32 values widened to double), else
    /// <see cref="Precision.Double"/>. The model file records it; <c>ToOnnx()</c> exports in it by default. Inference
    /// (<c>Predict</c>, <c>PredictClasses</c>, <c>Evaluate</c>) computes in this precision: a float32 network's
    /// outputs are float32 values (widened), as ONNX Runtime gives for its float32 export; one-row
    /// <see cref="Predict(double[])"/> then builds its float32 buffers per call (predict rows in batches).
    /// </summary>
    public Precision Precision { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"Network({InputCount} -> {string.Join(" -> ", Layers.Select(l => l.ToString()))}, {ParameterCount} parameters)";
}
