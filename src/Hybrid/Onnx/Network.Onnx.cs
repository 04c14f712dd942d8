using Hybrid.Onnx;

namespace Hybrid;

public sealed partial class Network
{
    /// <summary>The name of the input of an exported ONNX model: a tensor [N, InputCount] with a symbolic batch dimension N.</summary>
    public const string OnnxInputName = OnnxExporter.InputName;

    /// <summary>The name of the output of an exported ONNX model: a tensor [N, OutputCount].</summary>
    public const string OnnxOutputName = OnnxExporter.OutputName;

    /// <summary>
    /// The network as an ONNX model (opset 17, IR version 8) in float64: dense layers as Gemm, maxout as
    /// Gemms and a Max, dropout as Dropout (identity at inference), each activation as its op or a
    /// model-local function of ops ONNX Runtime runs in double (docs/onnx.md). ONNX Runtime's outputs
    /// agree with <see cref="Predict(double[][])"/> to 1e-12 relative.
    /// </summary>
    /// <returns>The serialised ModelProto.</returns>
    public byte[] ToOnnx() => ToOnnx(OnnxPrecision.Double);

    /// <summary>The network as an ONNX model in the given precision (docs/onnx.md).</summary>
    /// <param name="precision">Double (weights bit for bit) or Single (weights rounded to float32, standard ops).</param>
    /// <returns>The serialised ModelProto.</returns>
    /// <exception cref="ArgumentOutOfRangeException">precision is not a defined value.</exception>
    public byte[] ToOnnx(OnnxPrecision precision)
    {
        if (!Enum.IsDefined(precision)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "precision must be Double or Single.");
        return OnnxExporter.Write(Model, precision);
    }

    /// <summary>
    /// The network with its preprocessing in front as an ONNX model: the model's input is the raw
    /// features [N, preprocessor.InputCount]; a standardisation is written as Sub and Div, PCA as
    /// Sub and MatMul, whitening as Sub, MatMul and Mul (docs/onnx.md). <see cref="Model.FromOnnx"/>
    /// reads the prefix back (<see cref="FromOnnx"/> refuses it: a Network holds no preprocessing).
    /// </summary>
    /// <param name="preprocessor">The transform fitted on the training data; its OutputCount must equal InputCount.</param>
    /// <param name="precision">Double or Single.</param>
    /// <returns>The serialised ModelProto.</returns>
    /// <exception cref="ArgumentNullException">preprocessor is null.</exception>
    /// <exception cref="ArgumentException">The preprocessor's output width is not the network's input width, or precision is not a defined value.</exception>
    public byte[] ToOnnx(Data.Preprocessor preprocessor, OnnxPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        if (!Enum.IsDefined(precision)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "precision must be Double or Single.");
        if (preprocessor.OutputCount != InputCount)
            throw new ArgumentException($"The preprocessor outputs {preprocessor.OutputCount} columns but the network takes {InputCount}.", nameof(preprocessor));
        return OnnxExporter.Write(Model, precision, preprocessor);
    }

    /// <summary>Writes the network with its preprocessing in front (see <see cref="ToOnnx(Data.Preprocessor, OnnxPrecision)"/>) as an ONNX model file, atomically.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="preprocessor">The transform fitted on the training data.</param>
    /// <param name="precision">Double or Single.</param>
    /// <exception cref="ArgumentNullException">preprocessor is null.</exception>
    /// <exception cref="ArgumentException">path is null, empty, whitespace or a directory; the preprocessor does not fit the network; precision is not a defined value.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public void ExportOnnx(string path, Data.Preprocessor preprocessor, OnnxPrecision precision) => OnnxFile.Write(ToOnnx(preprocessor, precision), path);

    /// <summary>Writes the network as a float64 ONNX model file (see <see cref="ToOnnx()"/>), atomically as <see cref="Save"/> does.</summary>
    /// <param name="path">The file to write, e.g. "model.onnx".</param>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names an existing directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public void ExportOnnx(string path) => ExportOnnx(path, OnnxPrecision.Double);

    /// <summary>Writes the network as an ONNX model file in the given precision, atomically as <see cref="Save"/> does.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="precision">Double or Single.</param>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names an existing directory; precision is not a defined value.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public void ExportOnnx(string path, OnnxPrecision precision) => OnnxFile.Write(ToOnnx(precision), path);

    /// <summary>
    /// Reads a feed-forward ONNX model — one written by <see cref="ToOnnx()"/>, or what
    /// torch.onnx.export writes for an nn.Sequential of Linear layers and S04 activations — into a
    /// network whose predictions, gradients, training and saving work like any other's (the
    /// supported ops and graph shapes are listed in docs/onnx.md). float32 weights are widened to
    /// float64 exactly.
    /// </summary>
    /// <param name="model">The serialised ModelProto.</param>
    /// <returns>The network.</returns>
    /// <exception cref="ArgumentNullException">model is null.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a valid ONNX model, or the model uses an op or graph shape Hybrid has no layer for (the message names the node and its op type), or it starts with a preprocessing prefix (read it with <see cref="Model.FromOnnx"/>).</exception>
    public static Network FromOnnx(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Network(OnnxImporter.Read(model));
    }

    /// <summary>Reads an ONNX model file (see <see cref="FromOnnx"/>).</summary>
    /// <param name="path">The .onnx file.</param>
    /// <returns>The network.</returns>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names a directory.</exception>
    /// <exception cref="FileNotFoundException">The file (or its directory) does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid ONNX model or uses an unsupported op or graph shape (the message names the file, the node and its op type), or it starts with a preprocessing prefix (read it with <see cref="Model.ImportOnnx"/>).</exception>
    public static Network ImportOnnx(string path)
    {
        var bytes = OnnxFile.Read(path);
        try { return new Network(OnnxImporter.Read(bytes)); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not an ONNX model Hybrid can read: {e.Message}", e); }
    }
}
