using System.Text.Json;
using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>The versioned JSON model format (docs/model-format.md), read and written without reflection.</summary>
internal static class ModelFormat
{
    internal const string FormatName = "hybrid-network";
    internal const int Version = 1;

    // ------------------------------------------------------------------ writing

    internal static byte[] Write(CoreNetwork net)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", Version);
            w.WriteNumber("inputs", NetworkModule.inputSize(net));
            w.WriteStartArray("layers");
            foreach (var layer in net.Layers)
            {
                w.WriteStartObject();
                switch (layer)
                {
                    case Layer.DenseLayer d:
                        w.WriteString("type", "dense");
                        WriteActivation(w, d.Item.Activation);
                        WriteMatrix(w, "weights", d.Item.W);
                        WriteRow(w, "biases", d.Item.B);
                        break;
                    case Layer.MaxoutLayer m:
                        w.WriteString("type", "maxout");
                        w.WriteStartArray("pieces");
                        for (int j = 0; j < m.Item.W.Length; j++)
                        {
                            w.WriteStartObject();
                            WriteMatrix(w, "weights", m.Item.W[j]);
                            WriteRow(w, "biases", m.Item.B[j]);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        break;
                    case Layer.DropoutLayer r:
                        w.WriteString("type", "dropout");
                        w.WriteNumber("rate", r.rate);
                        break;
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void WriteActivation(Utf8JsonWriter w, CoreActivation g)
    {
        var (name, parameter) = g switch
        {
            CoreActivation.LeakyReLU l => ("leakyRelu", (double?)l.slope),
            CoreActivation.PReLU p => ("prelu", p.alpha),
            CoreActivation.ELU e => ("elu", e.alpha),
            _ when g.IsIdentity => ("identity", null),
            _ when g.IsBinaryStep => ("binaryStep", null),
            _ when g.IsSigmoid => ("sigmoid", null),
            _ when g.IsTanh => ("tanh", null),
            _ when g.IsArctan => ("arctan", null),
            _ when g.IsReLU => ("relu", null),
            _ when g.IsSoftPlus => ("softplus", null),
            _ when g.IsSoftmax => ("softmax", null),
            _ => throw new InvalidOperationException("Unknown activation."),
        };
        w.WriteString("activation", name);
        if (parameter is double a) w.WriteNumber("parameter", a);
    }

    // System.Text.Json writes a double in its shortest round-trippable form ("R"), so reading it
    // back gives the same bits.
    private static void WriteMatrix(Utf8JsonWriter w, string name, Matrix<double> m)
    {
        w.WriteStartArray(name);
        for (int i = 0; i < m.RowCount; i++)
        {
            w.WriteStartArray();
            for (int j = 0; j < m.ColumnCount; j++) w.WriteNumberValue(m[i, j]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static void WriteRow(Utf8JsonWriter w, string name, Matrix<double> row)
    {
        w.WriteStartArray(name);
        for (int j = 0; j < row.ColumnCount; j++) w.WriteNumberValue(row[0, j]);
        w.WriteEndArray();
    }

    /// <summary>A test seam: called with the temporary file's path after it is written and flushed, just before it replaces the target (a test throws here to simulate a crash).</summary>
    [ThreadStatic] internal static Action<string>? BeforeReplace;

    internal static void Save(CoreNetwork net, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        var bytes = Write(net);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ArgumentException($"'{path}' is a directory: path must name a file.", nameof(path));
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"The directory '{directory}' does not exist.");
        // A short temporary name (never longer than the file system's name limit), in the same
        // directory so that the final move is a rename on the same volume.
        var temp = Path.Combine(directory, $".hybrid-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            BeforeReplace?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    // ------------------------------------------------------------------ reading

    internal static CoreNetwork Load(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        if (Directory.Exists(path)) throw new ArgumentException($"'{path}' is a directory: path must name a model file.", nameof(path));
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (DirectoryNotFoundException e) { throw new FileNotFoundException($"The model file '{path}' does not exist.", path, e); }
        try { return Read(bytes); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a valid Hybrid model: {e.Message}", e); }
    }

    private static InvalidDataException Bad(string message) => new(message);

    internal static CoreNetwork Read(byte[] bytes)
    {
        // A leading UTF-8 byte order mark (EF BB BF), as some editors write, is skipped.
        var text = new ReadOnlyMemory<byte>(bytes);
        if (text.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) text = text[3..];
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new InvalidDataException($"the text is not valid JSON (truncated or corrupted?): {e.Message}", e); }
        using (doc)
        {
            try { return ReadRoot(doc.RootElement); }
            catch (InvalidDataException) { throw; }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException or KeyNotFoundException)
            {
                throw new InvalidDataException($"the model is inconsistent: {e.Message}", e);
            }
        }
    }

    private static JsonElement Property(JsonElement obj, string name, JsonValueKind kind, string where)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Bad($"{where} must be a JSON object.");
        if (!obj.TryGetProperty(name, out var value)) throw Bad($"{where} has no \"{name}\".");
        if (value.ValueKind != kind) throw Bad($"{where}: \"{name}\" must be a {kind} but is a {value.ValueKind}.");
        return value;
    }

    private static int Int(JsonElement obj, string name, string where)
    {
        var e = Property(obj, name, JsonValueKind.Number, where);
        if (!e.TryGetInt32(out var v)) throw Bad($"{where}: \"{name}\" must be an integer.");
        return v;
    }

    private static double Finite(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var v) || !double.IsFinite(v))
            throw Bad($"{where} must be a finite number.");
        return v;
    }

    private static CoreNetwork ReadRoot(JsonElement root)
    {
        var format = Property(root, "format", JsonValueKind.String, "the model").GetString();
        if (format != FormatName) throw Bad($"\"format\" is \"{format}\" but must be \"{FormatName}\".");
        int version = Int(root, "version", "the model");
        if (version > Version) throw Bad($"the file has format version {version}, written by a newer Hybrid; this version reads version {Version}. Upgrade Hybrid to load it.");
        if (version < 1) throw Bad($"\"version\" is {version} but must be at least 1.");
        int inputs = Int(root, "inputs", "the model");
        if (inputs < 1) throw Bad($"\"inputs\" is {inputs} but must be at least 1.");
        var layersJson = Property(root, "layers", JsonValueKind.Array, "the model");
        var layers = new List<Layer>();
        int width = inputs, l = 0;
        foreach (var layerJson in layersJson.EnumerateArray())
        {
            string where = $"layer {l}";
            var type = Property(layerJson, "type", JsonValueKind.String, where).GetString();
            switch (type)
            {
                case "dense":
                {
                    var g = ReadActivation(layerJson, where);
                    var W = ReadMatrix(Property(layerJson, "weights", JsonValueKind.Array, where), width, $"{where} weights");
                    var B = ReadRow(Property(layerJson, "biases", JsonValueKind.Array, where), W.ColumnCount, $"{where} biases");
                    layers.Add(Layer.NewDenseLayer(DenseModule.create(W, B, g)));
                    width = W.ColumnCount;
                    break;
                }
                case "maxout":
                {
                    var pieces = Property(layerJson, "pieces", JsonValueKind.Array, where);
                    var ws = new List<Matrix<double>>();
                    var bs = new List<Matrix<double>>();
                    int j = 0;
                    foreach (var piece in pieces.EnumerateArray())
                    {
                        var W = ReadMatrix(Property(piece, "weights", JsonValueKind.Array, $"{where} piece {j}"), width, $"{where} piece {j} weights");
                        if (ws.Count > 0 && W.ColumnCount != ws[0].ColumnCount) throw Bad($"{where} piece {j} has {W.ColumnCount} units but piece 0 has {ws[0].ColumnCount}.");
                        ws.Add(W);
                        bs.Add(ReadRow(Property(piece, "biases", JsonValueKind.Array, $"{where} piece {j}"), W.ColumnCount, $"{where} piece {j} biases"));
                        j++;
                    }
                    if (ws.Count < 2) throw Bad($"{where} is a maxout layer with {ws.Count} pieces; it needs at least 2.");
                    layers.Add(Layer.NewMaxoutLayer(MaxoutModule.create(ws.ToArray(), bs.ToArray())));
                    width = ws[0].ColumnCount;
                    break;
                }
                case "dropout":
                {
                    double rate = Finite(Property(layerJson, "rate", JsonValueKind.Number, where), $"{where} rate");
                    if (!(rate >= 0 && rate < 1)) throw Bad($"{where} has dropout rate {rate}; it must lie in [0, 1).");
                    layers.Add(Layer.NewDropoutLayer(rate));
                    break;
                }
                default:
                    throw Bad($"{where} has unknown type \"{type}\" (expected dense, maxout or dropout).");
            }
            l++;
        }
        if (layers.Count == 0) throw Bad("the model has no layers.");
        return NetworkModule.create(Microsoft.FSharp.Collections.ListModule.OfSeq(layers));
    }

    private static CoreActivation ReadActivation(JsonElement layer, string where)
    {
        var name = Property(layer, "activation", JsonValueKind.String, where).GetString();
        double P() => Finite(Property(layer, "parameter", JsonValueKind.Number, where), $"{where} activation parameter");
        CoreActivation g = name switch
        {
            "identity" => CoreActivation.Identity,
            "binaryStep" => CoreActivation.BinaryStep,
            "sigmoid" => CoreActivation.Sigmoid,
            "tanh" => CoreActivation.Tanh,
            "arctan" => CoreActivation.Arctan,
            "relu" => CoreActivation.ReLU,
            "softplus" => CoreActivation.SoftPlus,
            "softmax" => CoreActivation.Softmax,
            "leakyRelu" => CoreActivation.NewLeakyReLU(P()),
            "prelu" => CoreActivation.NewPReLU(P()),
            "elu" => CoreActivation.NewELU(P()),
            _ => throw Bad($"{where} has unknown activation \"{name}\"."),
        };
        ActivationModule.validate("activation", g);
        return g;
    }

    private static Matrix<double> ReadMatrix(JsonElement rows, int expectedRows, string where)
    {
        int n = rows.GetArrayLength();
        if (n != expectedRows) throw Bad($"{where} has {n} rows but must have {expectedRows} (the width of what comes before it).");
        double[][] values = new double[n][];
        int i = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array) throw Bad($"{where} row {i} must be an array.");
            values[i] = new double[row.GetArrayLength()];
            if (values[i].Length == 0 || values[i].Length != values[0].Length) throw Bad($"{where} row {i} has {values[i].Length} values but row 0 has {values[0].Length} (and none may be empty).");
            int j = 0;
            foreach (var v in row.EnumerateArray()) { values[i][j] = Finite(v, $"{where} row {i}, column {j}"); j++; }
            i++;
        }
        return Matrix<double>.Build.DenseOfRowArrays(values);
    }

    private static Matrix<double> ReadRow(JsonElement row, int expected, string where)
    {
        int n = row.GetArrayLength();
        if (n != expected) throw Bad($"{where} has {n} values but must have {expected} (one per unit).");
        var values = new double[n];
        int j = 0;
        foreach (var v in row.EnumerateArray()) { values[j] = Finite(v, $"{where} column {j}"); j++; }
        return Mat.row(values);
    }
}
