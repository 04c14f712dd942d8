using System.Text.Json;
using Hybrid.Core.Interop;
using MathNet.Numerics.LinearAlgebra;
using CoreNetwork = Hybrid.Core.Network;
using CoreState = Hybrid.Core.TrainingState;

namespace Hybrid;

// A checkpoint's "training" section (format version 3, docs/model-format.md "Checkpoints"): the
// resumable state of a run, written after the layers and read against their parameters.
internal static partial class ModelFormat
{
    /// <summary>
    /// Writes "training": epochs, the optimizer (its registry name and hyper-parameters), step t,
    /// the moments the rule keeps (one matrix per parameter, as rows), the best epoch, its value
    /// (null for NaN), its weights (if kept), the epochs since the best, the first loss J0 (null for
    /// NaN) and the base rate a callback set (if any). Doubles are written round-trip ("R").
    /// </summary>
    private static void WriteTraining(Utf8JsonWriter w, CoreState state)
    {
        w.WriteStartObject("training");
        w.WriteNumber("epochs", Trainings.EpochsOf(state));
        var rule = Trainings.RuleOf(state);
        var values = Trainings.RuleValues(rule, out var name);
        var entry = Registries.UpdateRules.First(e => e.Cli == name);
        w.WriteStartObject("optimizer");
        w.WriteString("name", name);
        for (int i = 0; i < values.Length; i++) w.WriteNumber(entry.ParameterNames[i], values[i]);
        w.WriteEndObject();
        w.WriteNumber("step", Trainings.StepsOf(state));
        bool first = Trainings.Moments(rule, out bool second);
        if (first) WriteMatrices(w, "firstMoments", Trainings.FirstMomentsOf(state));
        if (second) WriteMatrices(w, "secondMoments", Trainings.SecondMomentsOf(state));
        w.WriteNumber("bestEpoch", Trainings.BestEpochOf(state));
        WriteSpecial(w, "bestValue", Trainings.BestValueOf(state));
        if (Trainings.BestNetworkOf(state) is { } best) WriteMatrices(w, "bestWeights", Networks.Parameters(best));
        w.WriteNumber("sinceBest", Trainings.SinceBestOf(state));
        WriteSpecial(w, "firstLoss", Trainings.FirstLossOf(state));
        double baseRate = Trainings.BaseRateOf(state);
        if (!double.IsNaN(baseRate)) w.WriteNumber("baseRate", baseRate);
        w.WriteEndObject();
    }

    private static void WriteMatrices(Utf8JsonWriter w, string name, Matrix<double>[] matrices)
    {
        w.WriteStartArray(name);
        foreach (var m in matrices)
        {
            w.WriteStartArray();
            for (int i = 0; i < m.RowCount; i++)
            {
                w.WriteStartArray();
                for (int j = 0; j < m.ColumnCount; j++) w.WriteNumberValue(m[i, j]);
                w.WriteEndArray();
                if (w.BytesPending > 1 << 16) w.Flush();
            }
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    /// <summary>A number that may be NaN (null) or infinite ("Infinity", "-Infinity"): only bestValue and firstLoss.</summary>
    private static void WriteSpecial(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsNaN(value)) w.WriteNull(name);
        else if (double.IsPositiveInfinity(value)) w.WriteString(name, "Infinity");
        else if (double.IsNegativeInfinity(value)) w.WriteString(name, "-Infinity");
        else w.WriteNumber(name, value);
    }

    private sealed partial class ModelReader
    {
        /// <summary>Reads "training" (the object is next) against the network's parameters.</summary>
        private CoreState ReadTraining(CoreNetwork network)
        {
            const string T = "\"training\"";
            if (json.Next() != JsonTokenType.StartObject) throw json.Fail($"{T} must be an object.");
            var keys = new Keys(T);
            var parameters = Networks.Parameters(network);
            var names = Networks.ParameterNames(network);
            int epochs = -1, step = -1, bestEpoch = -1, sinceBest = -1;
            Hybrid.Core.UpdateRule? rule = null;
            string ruleName = "";
            Matrix<double>[]? first = null, second = null, best = null;
            double bestValue = 0, firstLoss = 0, baseRate = double.NaN;
            bool hasBestValue = false, hasFirstLoss = false;
            while (NextKey(keys, out var key))
            {
                switch (key)
                {
                    case "epochs": epochs = ReadCount($"{T} epochs"); break;
                    case "step": step = ReadCount($"{T} step"); break;
                    case "bestEpoch": bestEpoch = ReadCount($"{T} bestEpoch"); break;
                    case "sinceBest": sinceBest = ReadCount($"{T} sinceBest"); break;
                    case "optimizer": rule = ReadRule(out ruleName); break;
                    case "firstMoments": first = ReadMatrices($"{T} firstMoments", parameters, names, nonNegative: false); break;
                    case "secondMoments": second = ReadMatrices($"{T} secondMoments", parameters, names, nonNegative: true); break;
                    case "bestWeights": best = ReadMatrices($"{T} bestWeights", parameters, names, nonNegative: false); break;
                    case "bestValue": bestValue = ReadSpecial($"{T} bestValue"); hasBestValue = true; break;
                    case "firstLoss": firstLoss = ReadSpecial($"{T} firstLoss"); hasFirstLoss = true; break;
                    case "baseRate":
                        if (json.Next() != JsonTokenType.Number) throw json.Fail($"{T} baseRate must be a number.");
                        baseRate = Finite() ?? throw NotFinite($"{T} baseRate");
                        if (!(baseRate > 0)) throw json.Fail($"{T} baseRate is {json.Quoted()} but must be > 0.");
                        break;
                    default:
                        json.Next();
                        json.SkipValue();
                        break;
                }
            }
            string Missing(string what) => $"{T} has no \"{what}\".";
            if (epochs < 0) throw json.Fail(Missing("epochs"));
            if (rule is null) throw json.Fail(Missing("optimizer"));
            if (step < 0) throw json.Fail(Missing("step"));
            if (bestEpoch < 0) throw json.Fail(Missing("bestEpoch"));
            if (!hasBestValue) throw json.Fail(Missing("bestValue"));
            if (sinceBest < 0) throw json.Fail(Missing("sinceBest"));
            if (!hasFirstLoss) throw json.Fail(Missing("firstLoss"));
            if (bestEpoch > epochs) throw json.Fail($"{T} bestEpoch is {bestEpoch} but only {epochs} epochs are completed.");
            if (sinceBest > epochs) throw json.Fail($"{T} sinceBest is {sinceBest} but only {epochs} epochs are completed.");
            if (bestEpoch > 0 && !double.IsFinite(bestValue)) throw json.Fail($"{T} bestValue must be a finite number when bestEpoch is {bestEpoch}.");
            if (bestEpoch == 0 && best is not null) throw json.Fail($"{T} has \"bestWeights\" but bestEpoch is 0 (no best epoch).");
            bool needsFirst = Trainings.Moments(rule, out bool needsSecond);
            first = Moments(first, needsFirst, "firstMoments", "first", ruleName, parameters);
            second = Moments(second, needsSecond, "secondMoments", "second", ruleName, parameters);
            var bestNetwork = best is null ? null : Trainings.WithParameters(network, best);
            return Trainings.StateOf(epochs, network, rule, step, first, second, bestEpoch, bestValue, bestNetwork!, sinceBest, firstLoss, baseRate);
        }

        /// <summary>The moments read, or zeros shaped as the parameters when the rule keeps none; a rule's own moments must be there and others' must not.</summary>
        private Matrix<double>[] Moments(Matrix<double>[]? read, bool needed, string key, string which, string ruleName, Matrix<double>[] parameters)
        {
            if (needed && read is null) throw json.Fail($"\"training\" has no \"{key}\" but optimizer \"{ruleName}\" keeps a {which} moment.");
            if (!needed && read is not null) throw json.Fail($"\"training\" has \"{key}\" but optimizer \"{ruleName}\" keeps no {which} moment.");
            return read ?? Array.ConvertAll(parameters, p => Matrix<double>.Build.Dense(p.RowCount, p.ColumnCount));
        }

        /// <summary>A non-negative integer.</summary>
        private int ReadCount(string what)
        {
            int v = ReadInt(what);
            if (v < 0) throw json.Fail($"{what} is {v} but must be >= 0.");
            return v;
        }

        /// <summary>A number, or null for NaN, or "Infinity" / "-Infinity" (only bestValue and firstLoss).</summary>
        private double ReadSpecial(string what)
        {
            switch (json.Next())
            {
                case JsonTokenType.Null: return double.NaN;
                case JsonTokenType.Number:
                    return json.Number is var v && !double.IsNaN(v) ? v : throw json.Fail($"{what} is {json.Quoted()}, beyond the range of a double.");
                case JsonTokenType.String when json.Text == "Infinity": return double.PositiveInfinity;
                case JsonTokenType.String when json.Text == "-Infinity": return double.NegativeInfinity;
                default: throw json.Fail($"{what} must be a number, null (none) or \"Infinity\" / \"-Infinity\" but is {json.Quoted()}.");
            }
        }

        /// <summary>"optimizer": {"name": registry name, one key per hyper-parameter}.</summary>
        private Hybrid.Core.UpdateRule ReadRule(out string name)
        {
            const string O = "\"training\" optimizer";
            if (json.Next() != JsonTokenType.StartObject) throw json.Fail($"{O} must be an object.");
            var keys = new Keys(O);
            string? ruleName = null;
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            while (NextKey(keys, out var key))
            {
                switch (key)
                {
                    case "name": ruleName = ReadString($"{O} name"); break;
                    case "momentum" or "decay" or "beta1" or "beta2" or "epsilon":
                        if (json.Next() != JsonTokenType.Number) throw json.Fail($"{O} {key} must be a number.");
                        values[key] = Finite() ?? throw NotFinite($"{O} {key}");
                        break;
                    default:
                        json.Next();
                        json.SkipValue();
                        break;
                }
            }
            if (ruleName is null) throw json.Fail($"{O} has no \"name\".");
            var entry = Registries.UpdateRules.FirstOrDefault(e => e.Cli == ruleName)
                ?? throw json.Fail($"{O} has unknown name {Excerpt.Quote(ruleName)} (expected {string.Join(", ", Registries.UpdateRules.Select(e => e.Cli))}).");
            var ordered = new double[entry.ParameterNames.Length];
            for (int i = 0; i < ordered.Length; i++)
                if (!values.Remove(entry.ParameterNames[i], out ordered[i]))
                    throw json.Fail($"{O} \"{ruleName}\" has no \"{entry.ParameterNames[i]}\".");
            if (values.Count > 0) throw json.Fail($"{O} \"{ruleName}\" has no hyper-parameter \"{values.Keys.First()}\".");
            var rule = Trainings.MakeRule(ruleName, ordered);
            try { Rules.ValidateRule("optimizer", rule); }
            catch (ArgumentException e)
            {
                // The core's message without its "(Parameter 'optimizer')".
                var message = e.Message;
                int p = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
                throw json.Fail($"{O} \"{ruleName}\": {(p > 0 ? message[..p] : message)}");
            }
            name = ruleName;
            return rule;
        }

        /// <summary>One matrix per parameter, each as rows of its exact shape; every number finite (and &gt;= 0 for a second moment).</summary>
        private Matrix<double>[] ReadMatrices(string what, Matrix<double>[] parameters, string[] names, bool nonNegative)
        {
            if (json.Next() != JsonTokenType.StartArray) throw json.Fail($"{what} must be an array with one matrix per parameter ({parameters.Length}).");
            var result = new Matrix<double>[parameters.Length];
            int k = 0;
            while (json.Next() != JsonTokenType.EndArray)
            {
                if (k == parameters.Length) throw json.Fail($"{what} has more than {parameters.Length} matrices (one per parameter).");
                string where = $"{what} {k} ({names[k]})";
                if (json.Type != JsonTokenType.StartArray) throw json.Fail($"{where} must be an array of rows.");
                int rows = parameters[k].RowCount, cols = parameters[k].ColumnCount;
                long count = (long)rows * cols;
                if (count > 0 && 2 * (count - 1) > json.Remaining)
                    throw json.Fail($"{where} must hold {count} numbers but only {json.Remaining} bytes remain (truncated or corrupted?).");
                var storage = new double[count];
                for (int i = 0; i < rows; i++)
                {
                    if (json.Next() != JsonTokenType.StartArray)
                        throw json.Type == JsonTokenType.EndArray
                            ? json.Fail($"{where} has {i} rows but the parameter has {rows}.")
                            : json.Fail($"{where} row {i} must be an array.");
                    for (int j = 0; j < cols; j++)
                    {
                        if (json.Next() != JsonTokenType.Number)
                            throw json.Type == JsonTokenType.EndArray
                                ? json.Fail($"{where} row {i} has {j} values but the parameter has {cols} columns.")
                                : json.Fail($"{where} row {i}, column {j} must be a number.");
                        double v = Finite() ?? throw NotFinite($"{where} row {i}, column {j}");
                        if (nonNegative && v < 0) throw json.Fail($"{where} row {i}, column {j} is {json.Quoted()} but a second moment must be >= 0.");
                        storage[(long)j * rows + i] = v;
                    }
                    if (json.Next() != JsonTokenType.EndArray) throw json.Fail($"{where} row {i} has more values than the parameter's {cols} columns.");
                }
                if (json.Next() != JsonTokenType.EndArray) throw json.Fail($"{where} has more rows than the parameter's {rows}.");
                result[k++] = Matrix<double>.Build.Dense(rows, cols, storage);
            }
            if (k < parameters.Length) throw json.Fail($"{what} has {k} matrices but the network has {parameters.Length} parameters.");
            return result;
        }
    }
}
