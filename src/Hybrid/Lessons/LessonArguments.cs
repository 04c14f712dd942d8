using Hybrid.Core.Interop;

namespace Hybrid.Lessons;

/// <summary>Eager argument checks and conversions shared by the lesson classes. Every check
/// raises an exception that names the caller's parameter.</summary>
internal static class LessonArguments
{
    /// <summary>A finite, non-empty vector copied to an array.</summary>
    internal static double[] Vector(IReadOnlyList<double>? values, string paramName, int? expectedLength = null)
    {
        ArgumentNullException.ThrowIfNull(values, paramName);
        if (values.Count == 0)
            throw new ArgumentException($"{paramName} is empty: at least one value is needed.", paramName);
        if (expectedLength is int n && values.Count != n)
            throw new ArgumentException($"{paramName} has {values.Count} entries but {n} are expected (one per input).", paramName);
        var copy = new double[values.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var v = values[i];
            if (!double.IsFinite(v))
                throw new ArgumentException($"{paramName} has a non-finite value {v} at index {i}.", paramName);
            copy[i] = v;
        }
        return copy;
    }

    /// <summary>A data set of n ≥ 1 rows of <paramref name="inputCount"/> finite values and n finite
    /// targets, copied to arrays.</summary>
    internal static (double[][] X, double[] Y) Data(
        IReadOnlyList<IReadOnlyList<double>>? inputs, IReadOnlyList<double>? targets, int inputCount)
    {
        ArgumentNullException.ThrowIfNull(inputs, nameof(inputs));
        ArgumentNullException.ThrowIfNull(targets, nameof(targets));
        if (inputs.Count == 0)
            throw new ArgumentException("inputs has no rows: at least one example is needed.", nameof(inputs));
        if (targets.Count != inputs.Count)
            throw new ArgumentException(
                $"inputs has {inputs.Count} rows but targets has {targets.Count} values: they must match.", nameof(targets));
        var x = new double[inputs.Count][];
        for (var i = 0; i < x.Length; i++)
        {
            var row = inputs[i] ?? throw new ArgumentException($"inputs has a null row at index {i}.", nameof(inputs));
            if (row.Count != inputCount)
                throw new ArgumentException(
                    $"inputs row {i} has {row.Count} values but the neuron has {inputCount} inputs.", nameof(inputs));
            x[i] = new double[inputCount];
            for (var j = 0; j < inputCount; j++)
            {
                if (!double.IsFinite(row[j]))
                    throw new ArgumentException($"inputs has a non-finite value {row[j]} at row {i}, column {j}.", nameof(inputs));
                x[i][j] = row[j];
            }
        }
        var y = new double[targets.Count];
        for (var i = 0; i < y.Length; i++)
        {
            if (!double.IsFinite(targets[i]))
                throw new ArgumentException($"targets has a non-finite value {targets[i]} at index {i}.", nameof(targets));
            y[i] = targets[i];
        }
        return (x, y);
    }

    /// <summary>Every target must be a class label 0 or 1.</summary>
    internal static void BinaryTargets(double[] targets)
    {
        for (var i = 0; i < targets.Length; i++)
            if (targets[i] != 0.0 && targets[i] != 1.0)
                throw new ArgumentException(
                    $"targets must hold class labels 0 or 1 but has {targets[i]} at index {i}.", "targets");
    }

    /// <summary>Every target must lie in [0, 1].</summary>
    internal static void ProbabilityTargets(double[] targets)
    {
        for (var i = 0; i < targets.Length; i++)
            if (targets[i] < 0.0 || targets[i] > 1.0)
                throw new ArgumentException($"targets must lie in [0, 1] but has {targets[i]} at index {i}.", "targets");
    }

    /// <summary>A finite number greater than 0.</summary>
    internal static void Positive(double value, string paramName)
    {
        if (!double.IsFinite(value) || value <= 0.0)
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be a finite number greater than 0.");
    }

    /// <summary>An integer of at least 1.</summary>
    internal static void AtLeastOne(int value, string paramName)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be at least 1.");
    }

    /// <summary>A read-only copy of a vector.</summary>
    internal static IReadOnlyList<T> ReadOnly<T>(T[] values) => Array.AsReadOnly((T[])values.Clone());

    /// <summary>A neuron from the caller's weights and bias, checked.</summary>
    internal static Core.Neuron Neuron(IReadOnlyList<double>? weights, double bias)
    {
        var w = Vector(weights, nameof(weights));
        if (!double.IsFinite(bias))
            throw new ArgumentOutOfRangeException(nameof(bias), bias, "bias must be finite.");
        return new Core.Neuron(w, bias);
    }

    /// <summary>A seeded random neuron (weights and bias uniform in [−scale, scale]).</summary>
    internal static Core.Neuron RandomNeuron(int inputCount, int seed, double scale)
    {
        AtLeastOne(inputCount, nameof(inputCount));
        if (!double.IsFinite(scale) || scale < 0.0)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be a finite number >= 0.");
        return Neurons.Random(seed, inputCount, scale);
    }
}
