using Hybrid.Onnx;

namespace Hybrid;

/// <summary>
/// ONNX models in Hybrid (docs/onnx.md): the names of an exported model's input and output, and
/// reading an ONNX model into a <see cref="Network"/> (no preprocessing) or a <see cref="Model"/>
/// (its preprocessing prefix too). Writing one is <see cref="NetworkOnnxExtensions.ToOnnx(Network)"/>,
/// <see cref="NetworkOnnxExtensions.ExportOnnx(Network, string)"/> and their <see cref="ModelOnnxExtensions"/> counterparts.
/// </summary>
public static class OnnxModel
{
    /// <summary>The name of the input of an exported ONNX model: a tensor [N, InputCount] with a symbolic batch dimension N.</summary>
    public const string InputName = OnnxExporter.InputName;

    /// <summary>The name of the output of an exported ONNX model: a tensor [N, OutputCount].</summary>
    public const string OutputName = OnnxExporter.OutputName;

    /// <summary>
    /// Reads a feed-forward ONNX model — one written by <see cref="NetworkOnnxExtensions.ToOnnx(Network)"/>, or what
    /// torch.onnx.export writes for an nn.Sequential of Linear layers and S04 activations — into a
    /// network whose predictions, gradients, training and saving work like any other's (the
    /// supported ops and graph shapes are listed in docs/onnx.md). float32 weights are widened to
    /// float64 exactly.
    /// </summary>
    /// <param name="model">The serialised ModelProto.</param>
    /// <returns>The network.</returns>
    /// <exception cref="ArgumentNullException">model is null.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a valid ONNX model, or the model uses an op or graph shape Hybrid has no layer for (the message names the node and its op type), or it starts with a preprocessing prefix (read it with <see cref="ReadModel"/>).</exception>
    public static Network ReadNetwork(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (network, precision) = OnnxImporter.Read(model);
        return new Network(network, precision);
    }

    /// <summary>Reads an ONNX model file into a network (see <see cref="ReadNetwork"/>).</summary>
    /// <param name="path">The .onnx file.</param>
    /// <returns>The network.</returns>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names a directory.</exception>
    /// <exception cref="FileNotFoundException">The file (or its directory) does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid ONNX model or uses an unsupported op or graph shape (the message names the file, the node and its op type), or it starts with a preprocessing prefix (read it with <see cref="ImportModel"/>).</exception>
    public static Network ImportNetwork(string path)
    {
        var bytes = OnnxFile.Read(path);
        try
        {
            var (network, precision) = OnnxImporter.Read(bytes);
            return new Network(network, precision);
        }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not an ONNX model Hybrid can read: {e.Message}", e); }
    }

    /// <summary>
    /// Reads an ONNX model with its preprocessing: a graph that starts with the prefix
    /// <see cref="ModelOnnxExtensions.ToOnnx"/> writes (or another tool's standardisation, Sub then Div) gives a model whose
    /// <see cref="Model.Preprocessor"/> is that transform and whose <see cref="Model.Predict(Features)"/> on raw
    /// features equals the ONNX model's output; a graph without a prefix gives a model with no
    /// preprocessing. The network after the prefix is read as <see cref="ReadNetwork"/> reads one.
    /// </summary>
    /// <param name="model">The serialised ModelProto.</param>
    /// <returns>The model (no class names).</returns>
    /// <exception cref="ArgumentNullException">model is null.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a valid ONNX model, or the model uses an op or graph shape Hybrid cannot read (the message names the node and its op type).</exception>
    public static Model ReadModel(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (preprocessor, network, precision) = OnnxImporter.ReadModel(model);
        // The importer already checks that the prefix's output width is the first layer's input width.
        try { return new Model(new Network(network, precision), preprocessor); }
        catch (ArgumentException e) { throw new InvalidDataException($"the preprocessing prefix does not fit the network after it: {e.Message}", e); }
    }

    /// <summary>Reads an ONNX model file with its preprocessing (see <see cref="ReadModel"/>).</summary>
    /// <param name="path">The .onnx file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names a directory.</exception>
    /// <exception cref="FileNotFoundException">The file (or its directory) does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid ONNX model or uses an unsupported op or graph shape (the message names the file, the node and its op type).</exception>
    public static Model ImportModel(string path)
    {
        var bytes = OnnxFile.Read(path);
        try { return ReadModel(bytes); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not an ONNX model Hybrid can read: {e.Message}", e); }
    }
}
