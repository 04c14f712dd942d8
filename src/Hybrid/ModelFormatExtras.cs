using Hybrid.Core.Interop;
using System.Text.Json;
using Hybrid.Core;
using Hybrid.Data;
using MathNet.Numerics.LinearAlgebra;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>What a model file holds besides the network (format version 2, docs/model-format.md): the fitted preprocessing and the class names.</summary>
internal sealed record ModelExtras(Preprocessor? Preprocessing, string[]? ClassNames)
{
    /// <summary>Writes "preprocessing" (unless none) and "classNames" (if any), after "layers".</summary>
    internal void WriteTo(Utf8JsonWriter w)
    {
        if (Preprocessing is { Kind: not PreprocessingKind.None } p)
        {
            w.WriteStartObject("preprocessing");
            w.WriteString("kind", p.Kind switch { PreprocessingKind.Standardize => "standardize", PreprocessingKind.Pca => "pca", _ => "whiten" });
            if (p.Kind == PreprocessingKind.Whiten) w.WriteNumber("epsilon", p.Epsilon);
            WriteNumbers(w, "mean", p.Mean);
            if (p.StandardizerCore is { } s) WriteNumbers(w, "std", s.Std.Row(0).ToArray());
            if (p.PcaCore is { } pca)
            {
                WriteNumbers(w, "variances", pca.Variances);
                w.WriteStartArray("components");
                for (int i = 0; i < pca.Components.RowCount; i++)
                {
                    w.WriteStartArray();
                    for (int j = 0; j < pca.Components.ColumnCount; j++) w.WriteNumberValue(pca.Components[i, j]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        if (ClassNames is not null)
        {
            w.WriteStartArray("classNames");
            foreach (var name in ClassNames) w.WriteStringValue(name);
            w.WriteEndArray();
        }
    }

    private static void WriteNumbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}

/// <summary>A model file's contents: the network, the extras of version 2 (null when there are none) and the training state of a checkpoint (version 3; null when there is none).</summary>
internal sealed record ModelContents(CoreNetwork Network, ModelExtras? Extras, Hybrid.Core.TrainingState? State = null, Precision Precision = Precision.Double);

internal static partial class ModelFormat
{
    private sealed partial class ModelReader
    {
        private Preprocessor? _preprocessing;
        private string[]? _classNames;
        private int _preprocessingInputs;

        /// <summary>Reads the value of "preprocessing" or "classNames".</summary>
        private void ReadExtra(string key)
        {
            if (key == "classNames")
            {
                if (json.Next() != JsonTokenType.StartArray) throw json.Fail("\"classNames\" must be an array of strings.");
                var names = new List<string>();
                while (json.Next() != JsonTokenType.EndArray)
                {
                    if (json.Type != JsonTokenType.String) throw json.Fail($"\"classNames\" entry {names.Count} must be a string.");
                    var name = json.Text ?? throw json.Fail($"\"classNames\" entry {names.Count} is longer than {JsonTokenStream.MaxTextBytes} bytes.");
                    if (name.Length == 0) throw json.Fail($"\"classNames\" entry {names.Count} is empty.");
                    if (names.Contains(name, StringComparer.Ordinal)) throw json.Fail($"\"classNames\" entry {names.Count} repeats {json.Quoted()}.");
                    names.Add(name);
                }
                _classNames = names.ToArray();
                return;
            }
            if (json.Next() != JsonTokenType.StartObject) throw json.Fail("\"preprocessing\" must be an object.");
            var keys = new Keys("\"preprocessing\"");
            string? kind = null;
            double epsilon = 0;
            double[]? mean = null, std = null, variances = null;
            double[][]? components = null;
            while (NextKey(keys, out var field))
            {
                switch (field)
                {
                    case "kind": kind = ReadString("\"preprocessing\" kind"); break;
                    case "epsilon":
                        if (json.Next() != JsonTokenType.Number) throw json.Fail("\"preprocessing\" epsilon must be a number.");
                        epsilon = Finite() ?? throw NotFinite("\"preprocessing\" epsilon");
                        if (epsilon < 0) throw json.Fail($"\"preprocessing\" epsilon is {epsilon} but must be >= 0.");
                        break;
                    case "mean": mean = ReadNumbers("\"preprocessing\" mean"); break;
                    case "std": std = ReadNumbers("\"preprocessing\" std"); break;
                    case "variances": variances = ReadNumbers("\"preprocessing\" variances"); break;
                    case "components":
                        if (json.Next() != JsonTokenType.StartArray) throw json.Fail("\"preprocessing\" components must be an array of rows.");
                        var rows = new List<double[]>();
                        while (json.Next() != JsonTokenType.EndArray)
                        {
                            if (json.Type != JsonTokenType.StartArray) throw json.Fail($"\"preprocessing\" components row {rows.Count} must be an array.");
                            rows.Add(ReadOpenNumbers($"\"preprocessing\" components row {rows.Count}"));
                        }
                        components = rows.ToArray();
                        break;
                    default:
                        json.Next();
                        json.SkipValue();
                        break;
                }
            }
            string Missing(string what) => $"\"preprocessing\" of kind \"{kind}\" has no \"{what}\".";
            if (mean is null || mean.Length == 0) throw json.Fail(mean is null ? Missing("mean") : "\"preprocessing\" mean is empty.");
            int d = mean.Length;
            var mu = Matrix<double>.Build.Dense(1, d, mean);
            switch (kind)
            {
                case "standardize":
                    if (std is null) throw json.Fail(Missing("std"));
                    if (std.Length != d) throw json.Fail($"\"preprocessing\" std has {std.Length} values but mean has {d}.");
                    for (int j = 0; j < d; j++)
                        if (!(std[j] > 0)) throw json.Fail($"\"preprocessing\" std column {j} is {std[j]} but must be > 0.");
                    _preprocessing = Preprocessor.Restore(PreprocessingKind.Standardize, d, new Standardizer(mu, Matrix<double>.Build.Dense(1, d, std)), null, 0);
                    break;
                case "pca" or "whiten":
                    if (variances is null) throw json.Fail(Missing("variances"));
                    if (components is null) throw json.Fail(Missing("components"));
                    if (variances.Length != d) throw json.Fail($"\"preprocessing\" variances has {variances.Length} values but mean has {d}.");
                    if (variances.Any(v => v < 0)) throw json.Fail("\"preprocessing\" variances must be >= 0.");
                    if (components.Length != d) throw json.Fail($"\"preprocessing\" components has {components.Length} rows but mean has {d} values (one row per feature).");
                    int k = components[0].Length;
                    if (k < 1 || k > d) throw json.Fail($"\"preprocessing\" components has {k} columns but must have 1..{d}.");
                    for (int i = 1; i < d; i++)
                        if (components[i].Length != k) throw json.Fail($"\"preprocessing\" components row {i} has {components[i].Length} values but row 0 has {k}.");
                    bool whiten = kind == "whiten";
                    if (whiten)
                        for (int j = 0; j < k; j++)
                            if (!(variances[j] + epsilon > 0)) throw json.Fail($"\"preprocessing\" component {j + 1} has variance {variances[j]} and epsilon is {epsilon}: whitening would divide by zero.");
                    var pca = new Hybrid.Core.Pca(mu, Matrix<double>.Build.DenseOfRowArrays(components), variances);
                    _preprocessing = Preprocessor.Restore(whiten ? PreprocessingKind.Whiten : PreprocessingKind.Pca, d, null, pca, whiten ? epsilon : 0);
                    break;
                case null: throw json.Fail("\"preprocessing\" has no \"kind\".");
                default: throw json.Fail($"\"preprocessing\" has unknown kind \"{Excerpt.Quote(kind)[1..^1]}\" (expected standardize, pca or whiten).");
            }
            _preprocessingInputs = d;
        }

        private double[] ReadNumbers(string what)
        {
            if (json.Next() != JsonTokenType.StartArray) throw json.Fail($"{what} must be an array of numbers.");
            return ReadOpenNumbers(what);
        }

        /// <summary>The numbers of the array just opened (growing with the file, so bounded by ModelLimits.MaxFileBytes).</summary>
        private double[] ReadOpenNumbers(string what)
        {
            var values = new List<double>();
            while (json.Next() != JsonTokenType.EndArray)
            {
                if (json.Type != JsonTokenType.Number) throw json.Fail($"{what}, column {values.Count} must be a number.");
                int at = values.Count;
                values.Add(Finite() ?? throw NotFinite($"{what}, column {at}"));
            }
            return values.ToArray();
        }

        /// <summary>The extras read, checked against the network: the preprocessing's outputs feed its inputs; one class name per output (2 for a single output).</summary>
        private ModelExtras? Extras(int version, CoreNetwork network)
        {
            if (_preprocessing is null && _classNames is null) return null;
            if (version < 2) throw json.Fail("\"preprocessing\" and \"classNames\" belong to format version 2, but the file says version 1.");
            int inputs = Networks.InputSize(network), outputs = Networks.OutputSize(network);
            if (_preprocessing is not null && _preprocessing.OutputCount != inputs)
                throw json.Fail($"\"preprocessing\" gives {_preprocessing.OutputCount} features ({_preprocessingInputs} in) but the network takes {inputs} inputs.");
            int classes = outputs == 1 ? 2 : outputs;
            if (_classNames is not null && _classNames.Length != classes)
                throw json.Fail($"\"classNames\" has {_classNames.Length} names but the network has {outputs} output{(outputs == 1 ? " (2 classes)" : "s")}: give {classes}.");
            return new ModelExtras(_preprocessing, _classNames);
        }
    }
}
