using Hybrid.Core.Interop;

namespace Hybrid.Lessons;

/// <summary>
/// The logic-gate data sets of the course (S01, S03): the four corners (0, 0), (0, 1), (1, 0),
/// (1, 1) with the gate's output. AND, OR and NAND are linearly separable; XOR is not.
/// </summary>
public static class LogicGates
{
    /// <summary>AND: targets 0, 0, 0, 1.</summary>
    public static GateData And => new(Neurons.And());

    /// <summary>OR: targets 0, 1, 1, 1.</summary>
    public static GateData Or => new(Neurons.Or());

    /// <summary>NAND: targets 1, 1, 1, 0.</summary>
    public static GateData Nand => new(Neurons.Nand());

    /// <summary>XOR: targets 0, 1, 1, 0 (no perceptron can learn it).</summary>
    public static GateData Xor => new(Neurons.Xor());
}
