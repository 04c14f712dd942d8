namespace Hybrid;

/// <summary>The element type of an exported ONNX model (docs/onnx.md).</summary>
public enum OnnxPrecision
{
    /// <summary>float64 (ONNX DOUBLE): weights bit for bit, every op run in double by ONNX Runtime's CPU kernels; the ops ONNX Runtime has no double kernel for (Atan, Elu, Softplus) are written as model-local functions of ops it has.</summary>
    Double,

    /// <summary>float32 (ONNX FLOAT): weights rounded to the nearest float, standard ops only (plus one local function for the binary step), for runtimes and accelerators that take float32.</summary>
    Single,
}
