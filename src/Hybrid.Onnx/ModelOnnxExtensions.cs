using Hybrid.Onnx;

namespace Hybrid;

/// <summary>
/// ONNX export of a <see cref="Model"/>, its preprocessing in front of its network (docs/onnx.md):
/// <c>model.ToOnnx()</c> gives the model's bytes, <c>model.ExportOnnx(path)</c> writes the file.
/// Reading one back is <see cref="OnnxModel.ReadModel"/> and <see cref="OnnxModel.ImportModel"/>.
/// </summary>
public static class ModelOnnxExtensions
{
    /// <summary>
    /// The model as an ONNX model that takes raw features: its preprocessing as ops in front of the
    /// network (standardise as Sub and Div, PCA as Sub and MatMul, whitening as Sub, MatMul and Mul;
    /// docs/onnx.md), with the variances and ε the graph cannot hold in the model's metadata, so
    /// <see cref="OnnxModel.ReadModel"/> gives the same model back. Class names are not written.
    /// </summary>
    /// <param name="model">The model to write.</param>
    /// <param name="precision">Double (parameters bit for bit) or Single; by default the precision the network was trained in (<see cref="Network.Precision"/>).</param>
    /// <returns>The serialised ModelProto.</returns>
    /// <exception cref="ArgumentNullException">model is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">precision is not a defined value.</exception>
    /// <exception cref="NotSupportedException">The network has a layer kind without an ONNX form (layer normalisation), or an activation of yours defined without an ONNX expression.</exception>
    /// <exception cref="InvalidOperationException">An activation of yours has an ONNX expression that, evaluated at a few points, does not compute it.</exception>
    public static byte[] ToOnnx(this Model model, OnnxPrecision? precision = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Network.ToOnnx(model.Preprocessor, precision ?? NetworkOnnxExtensions.PrecisionOf(model.Network));
    }

    /// <summary>Writes the model as an ONNX model file (see <see cref="ToOnnx"/>), atomically as <see cref="Model.Save"/> does.</summary>
    /// <param name="model">The model to write.</param>
    /// <param name="path">The file to write, e.g. "model.onnx".</param>
    /// <param name="precision">Double or Single; by default the precision the network was trained in.</param>
    /// <exception cref="ArgumentNullException">model is null.</exception>
    /// <exception cref="ArgumentException">path is null, empty or whitespace, or names an existing directory; precision is not a defined value.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file or its directory.</exception>
    public static void ExportOnnx(this Model model, string path, OnnxPrecision? precision = null) => OnnxFile.Write(model.ToOnnx(precision), path);
}
