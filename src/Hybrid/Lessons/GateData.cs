namespace Hybrid.Lessons;

/// <summary>A small labelled data set: rows of inputs and one target per row (read-only).</summary>
public sealed class GateData
{
    internal GateData(Core.GateData data)
    {
        Name = data.Name;
        Inputs = Array.AsReadOnly(data.X.Select(row => (IReadOnlyList<double>)Array.AsReadOnly(row)).ToArray());
        Targets = Array.AsReadOnly(data.Y);
    }

    /// <summary>The gate's name: "AND", "OR", "NAND" or "XOR".</summary>
    public string Name { get; }

    /// <summary>The inputs, one row per example (two values each).</summary>
    public IReadOnlyList<IReadOnlyList<double>> Inputs { get; }

    /// <summary>The targets, 0 or 1, one per row.</summary>
    public IReadOnlyList<double> Targets { get; }
}
