using Hybrid.Onnx;

namespace Hybrid;

public sealed partial class Model
{
    /// <summary>
    /// The model as an ONNX model that takes raw features: its preprocessing as ops in front of the
    /// network (standardise as Sub and Div, PCA as Sub and MatMul, whitening as Sub, MatMul and Mul;
    /// docs/onnx.md), with the variances and ε the graph cannot hold in the model's metadata, so
    /// <see cref="FromOnnx"/> gives the same model back. Class names are not written.
    /// </summary>
    /// <param name="precision">Double (the default: parameters bit for bit) or Single.</param>
    /// <returns>The serialised ModelProto.</returns>
    /// <exception cref="ArgumentOutOfRangeException">precision is not a defined value.</exception>
    public byte[] ToOnnx(OnnxPrecision precision = OnnxPrecision.Double) => Network.ToOnnx(Preprocessor, precision);

    /// <summary>Writes the model as an ONNX model file (see <see cref="ToOnnx"/>), atomically as <see cref="Save"/> does.</summary>
    /// <param name="path">The file to write, e.g. "model.onnx".</param>
    /// <param name="precision">Double (the default) or Single.</param>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names an existing directory; precision is not a defined value.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public void ExportOnnx(string path, OnnxPrecision precision = OnnxPrecision.Double) => OnnxFile.Write(ToOnnx(precision), path);

    /// <summary>
    /// Reads an ONNX model with its preprocessing: a graph that starts with the prefix
    /// <see cref="ToOnnx"/> writes (or another tool's standardisation, Sub then Div) gives a model whose
    /// <see cref="Preprocessor"/> is that transform and whose <see cref="Predict(Features)"/> on raw
    /// features equals the ONNX model's output; a graph without a prefix gives a model with no
    /// preprocessing. The network after the prefix is read as <see cref="Network.FromOnnx"/> reads one.
    /// </summary>
    /// <param name="model">The serialised ModelProto.</param>
    /// <returns>The model (no class names).</returns>
    /// <exception cref="ArgumentNullException">model is null.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a valid ONNX model, or the model uses an op or graph shape Hybrid cannot read (the message names the node and its op type).</exception>
    public static Model FromOnnx(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (preprocessor, network) = OnnxImporter.ReadModel(model);
        // The importer already checks that the prefix's output width is the first layer's input width.
        try { return new Model(new Network(network), preprocessor); }
        catch (ArgumentException e) { throw new InvalidDataException($"the preprocessing prefix does not fit the network after it: {e.Message}", e); }
    }

    /// <summary>Reads an ONNX model file with its preprocessing (see <see cref="FromOnnx"/>).</summary>
    /// <param name="path">The .onnx file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names a directory.</exception>
    /// <exception cref="FileNotFoundException">The file (or its directory) does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid ONNX model or uses an unsupported op or graph shape (the message names the file, the node and its op type).</exception>
    public static Model ImportOnnx(string path)
    {
        var bytes = OnnxFile.Read(path);
        try { return FromOnnx(bytes); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not an ONNX model Hybrid can read: {e.Message}", e); }
    }
}
