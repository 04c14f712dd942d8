using Hybrid.Onnx;

namespace Hybrid;

/// <summary>
/// ONNX export of a <see cref="Network"/> (docs/onnx.md): <c>network.ToOnnx()</c> gives the model's
/// bytes, <c>network.ExportOnnx(path)</c> writes the file. Reading one back is
/// <see cref="OnnxModel.ReadNetwork"/> and <see cref="OnnxModel.ImportNetwork"/>.
/// </summary>
public static class NetworkOnnxExtensions
{
    /// <summary>
    /// The network as an ONNX model (opset 17, IR version 8) in the precision it was trained in
    /// (<see cref="Network.Precision"/>: float64, or float32 for a network trained in single precision): dense layers as Gemm, maxout as
    /// Gemms and a Max, dropout as Dropout (identity at inference), each activation as its op or a
    /// model-local function of ops ONNX Runtime runs in double (docs/onnx.md). ONNX Runtime's outputs
    /// agree with <see cref="Network.Predict(double[][])"/> to 1e-12 relative.
    /// </summary>
    /// <param name="network">The network to write.</param>
    /// <returns>The serialised ModelProto.</returns>
    /// <exception cref="ArgumentNullException">network is null.</exception>
    /// <exception cref="NotSupportedException">The network has a layer kind without an ONNX form (layer normalisation), or an activation of yours defined without an ONNX expression.</exception>
    /// <exception cref="InvalidOperationException">An activation of yours has an ONNX expression that, evaluated at a few points, does not compute it.</exception>
    public static byte[] ToOnnx(this Network network) => network.ToOnnx(PrecisionOf(network));

    // The ONNX element type a network exports in by default: the one it was trained in.
    internal static OnnxPrecision PrecisionOf(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Precision == Precision.Single ? OnnxPrecision.Single : OnnxPrecision.Double;
    }

    /// <summary>The network as an ONNX model in the given precision (docs/onnx.md).</summary>
    /// <param name="network">The network to write.</param>
    /// <param name="precision">Double (weights bit for bit) or Single (weights rounded to float32, standard ops).</param>
    /// <returns>The serialised ModelProto.</returns>
    /// <exception cref="ArgumentNullException">network is null.</exception>
    /// <exception cref="NotSupportedException">The network has a layer kind without an ONNX form (layer normalisation), or an activation of yours defined without an ONNX expression.</exception>
    /// <exception cref="InvalidOperationException">An activation of yours has an ONNX expression that, evaluated at a few points, does not compute it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">precision is not a defined value.</exception>
    public static byte[] ToOnnx(this Network network, OnnxPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!Enum.IsDefined(precision)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "precision must be Double or Single.");
        return OnnxExporter.Write(network.Model, precision);
    }

    /// <summary>
    /// The network with its preprocessing in front as an ONNX model: the model's input is the raw
    /// features [N, preprocessor.InputCount]; a standardisation is written as Sub and Div, PCA as
    /// Sub and MatMul, whitening as Sub, MatMul and Mul (docs/onnx.md). <see cref="OnnxModel.ReadModel"/>
    /// reads the prefix back (<see cref="OnnxModel.ReadNetwork"/> refuses it: a Network holds no preprocessing).
    /// </summary>
    /// <param name="network">The network to write.</param>
    /// <param name="preprocessor">The transform fitted on the training data; its OutputCount must equal InputCount.</param>
    /// <param name="precision">Double or Single.</param>
    /// <returns>The serialised ModelProto.</returns>
    /// <exception cref="ArgumentNullException">network or preprocessor is null.</exception>
    /// <exception cref="NotSupportedException">The network has a layer kind without an ONNX form (layer normalisation), or an activation of yours defined without an ONNX expression.</exception>
    /// <exception cref="InvalidOperationException">An activation of yours has an ONNX expression that, evaluated at a few points, does not compute it.</exception>
    /// <exception cref="ArgumentException">The preprocessor's output width is not the network's input width, or precision is not a defined value.</exception>
    public static byte[] ToOnnx(this Network network, Data.Preprocessor preprocessor, OnnxPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(preprocessor);
        if (!Enum.IsDefined(precision)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "precision must be Double or Single.");
        if (preprocessor.OutputCount != network.InputCount)
            throw new ArgumentException($"The preprocessor outputs {preprocessor.OutputCount} columns but the network takes {network.InputCount}.", nameof(preprocessor));
        return OnnxExporter.Write(network.Model, precision, preprocessor);
    }

    /// <summary>Writes the network with its preprocessing in front (see <see cref="ToOnnx(Network, Data.Preprocessor, OnnxPrecision)"/>) as an ONNX model file, atomically.</summary>
    /// <param name="network">The network to write.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="preprocessor">The transform fitted on the training data.</param>
    /// <param name="precision">Double or Single.</param>
    /// <exception cref="ArgumentNullException">network or preprocessor is null.</exception>
    /// <exception cref="NotSupportedException">The network has a layer kind without an ONNX form (layer normalisation), or an activation of yours defined without an ONNX expression.</exception>
    /// <exception cref="InvalidOperationException">An activation of yours has an ONNX expression that, evaluated at a few points, does not compute it.</exception>
    /// <exception cref="ArgumentException">path is null, empty, whitespace or a directory; the preprocessor does not fit the network; precision is not a defined value.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public static void ExportOnnx(this Network network, string path, Data.Preprocessor preprocessor, OnnxPrecision precision) =>
        OnnxFile.Write(network.ToOnnx(preprocessor, precision), path);

    /// <summary>Writes the network as a float64 ONNX model file (see <see cref="ToOnnx(Network)"/>), atomically as <see cref="Network.Save"/> does.</summary>
    /// <param name="network">The network to write.</param>
    /// <param name="path">The file to write, e.g. "model.onnx".</param>
    /// <exception cref="ArgumentNullException">network is null.</exception>
    /// <exception cref="NotSupportedException">The network has a layer kind without an ONNX form (layer normalisation), or an activation of yours defined without an ONNX expression.</exception>
    /// <exception cref="InvalidOperationException">An activation of yours has an ONNX expression that, evaluated at a few points, does not compute it.</exception>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names an existing directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public static void ExportOnnx(this Network network, string path) => network.ExportOnnx(path, PrecisionOf(network));

    /// <summary>Writes the network as an ONNX model file in the given precision, atomically as <see cref="Network.Save"/> does.</summary>
    /// <param name="network">The network to write.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="precision">Double or Single.</param>
    /// <exception cref="ArgumentNullException">network is null.</exception>
    /// <exception cref="NotSupportedException">The network has a layer kind without an ONNX form (layer normalisation), or an activation of yours defined without an ONNX expression.</exception>
    /// <exception cref="InvalidOperationException">An activation of yours has an ONNX expression that, evaluated at a few points, does not compute it.</exception>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names an existing directory; precision is not a defined value.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public static void ExportOnnx(this Network network, string path, OnnxPrecision precision) => OnnxFile.Write(network.ToOnnx(precision), path);
}
