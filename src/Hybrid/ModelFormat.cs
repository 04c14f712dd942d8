using Hybrid.Core.Interop;
using System.Text.Json;
using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;
using CoreActivation = Hybrid.Core.Activation;
using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>The versioned JSON model format (docs/model-format.md), read and written without reflection.</summary>
internal static partial class ModelFormat
{
    internal const string FormatName = "hybrid-network";
    /// <summary>The newest version this reader reads. A plain network is written as version 1; a model with preprocessing or class names as version 2 (ModelFormatExtras.cs).</summary>
    internal const int Version = 2;

    // ------------------------------------------------------------------ writing

    internal static byte[] Write(CoreNetwork net, ModelExtras? extras = null)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, net, extras);
        return stream.ToArray();
    }

    /// <summary>Writes the model to a stream (the writer flushes in pieces, so a large model is never held whole in memory).</summary>
    internal static void WriteTo(Stream stream, CoreNetwork net, ModelExtras? extras = null)
    {
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", extras is null ? 1 : 2);
            w.WriteNumber("inputs", Networks.InputSize(net));
            w.WriteStartArray("layers");
            foreach (var layer in Networks.Layers(net))
            {
                w.WriteStartObject();
                switch (layer.Kind)
                {
                    case LayerPartsKind.Dense:
                        w.WriteString("type", "dense");
                        WriteActivation(w, layer.Activation);
                        WriteMatrix(w, "weights", layer.Weights[0]);
                        WriteRow(w, "biases", layer.Biases[0]);
                        break;
                    case LayerPartsKind.Maxout:
                        w.WriteString("type", "maxout");
                        w.WriteStartArray("pieces");
                        for (int j = 0; j < layer.Weights.Length; j++)
                        {
                            w.WriteStartObject();
                            WriteMatrix(w, "weights", layer.Weights[j]);
                            WriteRow(w, "biases", layer.Biases[j]);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        break;
                    default:
                        w.WriteString("type", "dropout");
                        w.WriteNumber("rate", layer.DropoutRate);
                        break;
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            extras?.WriteTo(w);
            w.WriteEndObject();
        }
    }

    private static void WriteActivation(Utf8JsonWriter w, CoreActivation g)
    {
        // The file's name of the core's case, from the registry (docs/model-format.md).
        string name = Activations.Of(g).FileName;
        double? parameter = Activations.Parameter(g);
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
            if (w.BytesPending > 1 << 16) w.Flush();
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

    /// <summary>Every temporary file of Save starts with this (docs/model-format.md "Atomic writes").</summary>
    internal const string TempPrefix = ".hybrid-save-";

    /// <summary>
    /// The temporary files of saves to the file named <paramref name="fileName"/> match
    /// <c>.hybrid-save-&lt;tag&gt;-*.tmp</c>, the tag being the first 16 hex digits of the SHA-256 of
    /// the UTF-8 file name: recognisable, tied to one target, and short whatever the target's name.
    /// </summary>
    internal static string TempTag(string fileName) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(fileName)))[..16];

    internal static void Save(CoreNetwork net, string path, ModelExtras? extras = null)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        SaveAtomically(path, file => WriteTo(file, net, extras));
    }

    /// <summary>Writes bytes to path atomically, as Save writes a model; also used for ONNX files.</summary>
    internal static void SaveBytes(byte[] bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        SaveAtomically(path, file => file.Write(bytes));
    }

    /// <summary>
    /// The atomic replace (docs/model-format.md "Atomic writes"): <paramref name="write"/> fills a
    /// temporary file in the target's directory, which is flushed, moved over the target, and the
    /// directory flushed; stale temporaries of the same target are then removed.
    /// </summary>
    private static void SaveAtomically(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ArgumentException($"'{path}' is a directory: path must name a file.", nameof(path));
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"The directory '{directory}' does not exist.");
        // In the same directory, so that the final move is a rename on the same volume.
        var tag = TempTag(Path.GetFileName(full));
        var temp = Path.Combine(directory, $"{TempPrefix}{tag}-{Guid.NewGuid():N}.tmp");
        try
        {
            // FileShare.None also takes an exclusive lock (flock on Unix) while the file is written,
            // which tells RemoveStaleTemps of another save that this temp is alive.
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(file);
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
        FileKind.FlushDirectory(directory);
        RemoveStaleTemps(directory, tag);
    }

    /// <summary>
    /// Deletes the temporary files that killed saves of the same target left behind: each one that
    /// can be opened exclusively (no live save holds it) is deleted on close. Failures are ignored
    /// (another process may be cleaning up at the same time). Returns how many were removed.
    /// </summary>
    internal static int RemoveStaleTemps(string directory, string tag)
    {
        int removed = 0;
        foreach (var stale in Directory.EnumerateFiles(directory, $"{TempPrefix}{tag}-*.tmp"))
        {
            try
            {
                using (new FileStream(stale, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
                removed++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    // ------------------------------------------------------------------ reading
    //
    // A streaming reader (docs/model-format.md "Limits and policies"): tokens are pulled through a
    // 64 KiB buffer (JsonTokenStream), every array is read straight into the storage of its matrix,
    // and every size is checked against the bytes that remain before anything of that size is
    // allocated. Messages are built only on failure and quote at most a few dozen characters.

    internal static CoreNetwork Load(string path, ModelLimits limits) => LoadContents(path, limits).Network;

    internal static ModelContents LoadContents(string path, ModelLimits limits)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        ArgumentNullException.ThrowIfNull(limits);
        if (Directory.Exists(path)) throw new ArgumentException($"'{path}' is a directory: path must name a model file.", nameof(path));
        if (!File.Exists(path)) throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        FileKind.RefuseSpecial(path, nameof(path), "a model file");
        FileStream file;
        try { file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan); }
        catch (DirectoryNotFoundException e) { throw new FileNotFoundException($"The model file '{path}' does not exist.", path, e); }
        using (file)
        {
            try
            {
                long length = file.Length;
                if (length > limits.MaxFileBytes)
                    throw new InvalidDataException($"the file has {length} bytes, more than the limit of {limits.MaxFileBytes} bytes (ModelLimits.MaxFileBytes)");
                return Read(new JsonTokenStream(file, length, limits.MaxFileBytes), limits);
            }
            catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a valid Hybrid model: {e.Message}", e); }
        }
    }

    internal static CoreNetwork Read(string json, ModelLimits limits) => ReadContents(json, limits).Network;

    internal static ModelContents ReadContents(string json, ModelLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        // A leading U+FEFF (a byte order mark that survived decoding) is skipped.
        var text = json.AsSpan();
        if (text.StartsWith("\uFEFF")) text = text[1..];
        long bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes > limits.MaxFileBytes)
            throw new InvalidDataException($"the text has {bytes} bytes in UTF-8, more than the limit of {limits.MaxFileBytes} bytes (ModelLimits.MaxFileBytes)");
        var utf8 = new byte[bytes];
        System.Text.Encoding.UTF8.GetBytes(text, utf8);
        using var stream = new MemoryStream(utf8, writable: false);
        return Read(new JsonTokenStream(stream, bytes, limits.MaxFileBytes), limits);
    }

    private static ModelContents Read(JsonTokenStream json, ModelLimits limits)
    {
        try { return new ModelReader(json, limits).ReadModel(); }
        catch (InvalidDataException) { throw; }
        catch (OutOfMemoryException)
        {
            throw new InvalidDataException($"the model ({json.Length} bytes) does not fit in memory; the limits are {limits.MaxFileBytes} bytes (ModelLimits.MaxFileBytes) and {limits.MaxLayers} layers (ModelLimits.MaxLayers)");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"the model is inconsistent: {Excerpt.Quote(e.Message, Excerpt.MessageChars)}", e);
        }
    }

    /// <summary>
    /// The grammar of the model file, one method per object. Each object is read by a loop over its
    /// keys with one <c>case</c> per known key: a new optional section is one more case (and a
    /// field to hold it). Unknown keys are skipped (a newer writer's optional fields), duplicated
    /// keys are refused.
    /// </summary>
    private sealed partial class ModelReader(JsonTokenStream json, ModelLimits limits)
    {
        /// <summary>The most unknown keys one object may carry (each is remembered to refuse duplicates).</summary>
        internal const int MaxUnknownKeys = 64;

        // Chunks that collect the first row of each matrix (whose length the file does not
        // declare); reused for every matrix, so they cost at most the longest row.
        private const int ChunkLength = 8192;
        private readonly List<double[]> _chunks = [];

        public ModelContents ReadModel()
        {
            if (json.Next() != JsonTokenType.StartObject) throw json.Fail("the model must be a JSON object.");
            var keys = new Keys(-1, -1);
            string? format = null;
            int version = 0, inputs = 0;
            List<LayerParts>? layers = null;
            while (NextKey(keys, out var key))
            {
                switch (key)
                {
                    case "format":
                        format = ReadString("\"format\"");
                        if (format != FormatName) throw json.Fail($"\"format\" is {json.Quoted()} but must be \"{FormatName}\".");
                        break;
                    case "version":
                        version = ReadInt("\"version\"");
                        if (version > Version) throw json.Fail($"the file has format version {version}, written by a newer Hybrid; this version reads version {Version}. Upgrade Hybrid to load it.");
                        if (version < 1) throw json.Fail($"\"version\" is {version} but must be at least 1.");
                        break;
                    case "inputs":
                        inputs = ReadInt("\"inputs\"");
                        if (inputs < 1) throw json.Fail($"\"inputs\" is {inputs} but must be at least 1.");
                        break;
                    case "layers":
                        if (format is null || version == 0 || inputs == 0)
                            throw json.Fail("\"layers\" must come after \"format\", \"version\" and \"inputs\" (the order Save writes).");
                        layers = ReadLayers(inputs);
                        break;
                    case "preprocessing" or "classNames":
                        ReadExtra(key);
                        break;
                    default:
                        json.Next();
                        json.SkipValue();
                        break;
                }
            }
            if (format is null) throw json.Fail("the model has no \"format\".");
            if (version == 0) throw json.Fail("the model has no \"version\".");
            if (inputs == 0) throw json.Fail("the model has no \"inputs\".");
            if (layers is null) throw json.Fail("the model has no \"layers\".");
            if (json.TryNext()) throw json.Fail($"the model is followed by more text at byte {json.TokenPosition}.");
            var network = Networks.Create(layers);
            return new ModelContents(network, Extras(version, network));
        }

        private List<LayerParts> ReadLayers(int inputs)
        {
            if (json.Next() != JsonTokenType.StartArray) throw json.Fail("\"layers\" must be an array.");
            var layers = new List<LayerParts>();
            int width = inputs;
            while (json.Next() != JsonTokenType.EndArray)
            {
                if (layers.Count == limits.MaxLayers)
                    throw json.Fail($"the model has more than {limits.MaxLayers} layers, the limit (ModelLimits.MaxLayers).");
                layers.Add(ReadLayer(layers.Count, ref width));
            }
            if (layers.Count == 0) throw json.Fail("the model has no layers.");
            return layers;
        }

        // The fields of a layer may come in any order; which ones are required depends on "type".
        private LayerParts ReadLayer(int l, ref int width)
        {
            if (json.Type != JsonTokenType.StartObject) throw json.Fail($"layer {l} must be a JSON object.");
            var keys = new Keys(l, -1);
            string? type = null, activation = null;
            double? parameter = null, rate = null;
            Matrix<double>? weights = null;
            double[]? biases = null;
            List<(Matrix<double> W, double[] B)>? pieces = null;
            while (NextKey(keys, out var key))
            {
                switch (key)
                {
                    case "type":
                        type = ReadString($"layer {l} \"type\"");
                        if (type is not ("dense" or "maxout" or "dropout")) throw json.Fail($"layer {l} has unknown type {json.Quoted()} (expected dense, maxout or dropout).");
                        break;
                    case "activation": activation = ReadString($"layer {l} \"activation\""); break;
                    case "parameter": parameter = ReadFinite(l, "activation parameter"); break;
                    case "rate": rate = ReadFinite(l, "rate"); break;
                    case "weights": weights = ReadMatrix(width, l, -1); break;
                    case "biases": biases = ReadRow(weights?.ColumnCount ?? -1, l, -1); break;
                    case "pieces": pieces = ReadPieces(width, l); break;
                    default: json.Next(); json.SkipValue(); break;
                }
            }
            switch (type)
            {
                case null: throw json.Fail($"layer {l} has no \"type\".");
                case "dense":
                {
                    if (activation is null) throw json.Fail($"layer {l} has no \"activation\".");
                    if (weights is null) throw json.Fail($"layer {l} has no \"weights\".");
                    if (biases is null) throw json.Fail($"layer {l} has no \"biases\".");
                    var B = BiasRow(biases, weights.ColumnCount, l, -1);
                    var g = ToActivation(activation, parameter, l);
                    width = weights.ColumnCount;
                    return Networks.Dense(weights, B, g);
                }
                case "maxout":
                {
                    if (pieces is null) throw json.Fail($"layer {l} has no \"pieces\".");
                    if (pieces.Count < 2) throw json.Fail($"layer {l} is a maxout layer with {pieces.Count} pieces; it needs at least 2.");
                    var ws = new Matrix<double>[pieces.Count];
                    var bs = new Matrix<double>[pieces.Count];
                    for (int j = 0; j < pieces.Count; j++)
                    {
                        ws[j] = pieces[j].W;
                        if (ws[j].ColumnCount != ws[0].ColumnCount) throw json.Fail($"layer {l} piece {j} has {ws[j].ColumnCount} units but piece 0 has {ws[0].ColumnCount}.");
                        bs[j] = BiasRow(pieces[j].B, ws[j].ColumnCount, l, j);
                    }
                    width = ws[0].ColumnCount;
                    return Networks.Maxout(ws, bs);
                }
                default:
                {
                    if (rate is not double r) throw json.Fail($"layer {l} has no \"rate\".");
                    if (!(r >= 0 && r < 1)) throw json.Fail($"layer {l} has dropout rate {r}; it must lie in [0, 1).");
                    return Networks.Dropout(r);
                }
            }
        }

        private List<(Matrix<double>, double[])> ReadPieces(int width, int l)
        {
            if (json.Next() != JsonTokenType.StartArray) throw json.Fail($"layer {l} \"pieces\" must be an array.");
            var pieces = new List<(Matrix<double>, double[])>();
            while (json.Next() != JsonTokenType.EndArray)
            {
                int j = pieces.Count;
                if (json.Type != JsonTokenType.StartObject) throw json.Fail($"layer {l} piece {j} must be a JSON object.");
                var keys = new Keys(l, j);
                Matrix<double>? W = null;
                double[]? B = null;
                while (NextKey(keys, out var key))
                {
                    switch (key)
                    {
                        case "weights": W = ReadMatrix(width, l, j); break;
                        case "biases": B = ReadRow(W?.ColumnCount ?? -1, l, j); break;
                        default: json.Next(); json.SkipValue(); break;
                    }
                }
                if (W is null) throw json.Fail($"layer {l} piece {j} has no \"weights\".");
                if (B is null) throw json.Fail($"layer {l} piece {j} has no \"biases\".");
                pieces.Add((W, B));
            }
            return pieces;
        }

        private CoreActivation ToActivation(string name, double? parameter, int l)
        {
            double P() => parameter ?? throw json.Fail($"layer {l} activation {Excerpt.Quote(name)} needs a \"parameter\".");
            // The registry's entry of this file name (exact spelling, docs/model-format.md).
            var entry = Activations.OfFileName(name) ?? throw json.Fail($"layer {l} has unknown activation {Excerpt.Quote(name)}.");
            double p = entry.ParameterName is null ? 0.0 : P();
            return entry.Create(p, "activation");
        }

        // ---------------------------------------------------------- objects, scalars, arrays

        /// <summary>The next key of the current object (false at its end), refusing duplicates.</summary>
        private bool NextKey(Keys keys, out string key)
        {
            var t = json.Next();
            if (t == JsonTokenType.EndObject) { key = ""; return false; }
            // The reader only yields property names inside an object.
            key = json.Text ?? throw json.Fail($"{keys.Where} has a key longer than {JsonTokenStream.MaxTextBytes} bytes: {json.Quoted()}.");
            if (!keys.Add(key)) throw json.Fail($"{keys.Where} has the key {json.Quoted()} more than once.");
            return true;
        }

        private string ReadString(string what)
        {
            if (json.Next() != JsonTokenType.String) throw json.Fail($"{what} must be a string.");
            return json.Text ?? throw json.Fail($"{what} is {json.Quoted()}, longer than any valid value.");
        }

        private int ReadInt(string what)
        {
            if (json.Next() != JsonTokenType.Number) throw json.Fail($"{what} must be a number.");
            if (!json.TryGetInt32(out int v)) throw json.Fail($"{what} must be an integer but is {json.Quoted()}.");
            return v;
        }

        private double ReadFinite(int l, string what)
        {
            if (json.Next() != JsonTokenType.Number) throw json.Fail($"layer {l} {what} must be a number.");
            return Finite() ?? throw NotFinite($"layer {l} {what}");
        }

        // The current number if finite, else null; the caller builds its message only then
        // (no closure or string per number read).
        private double? Finite() => double.IsFinite(json.Number) ? json.Number : null;

        private InvalidDataException NotFinite(string where) => json.Fail($"{where} must be a finite number but is {json.Quoted()}.");

        private static string Name(int l, int piece, string field) => piece < 0 ? $"layer {l} {field}" : $"layer {l} piece {piece} {field}";

        /// <summary>Fails unless <paramref name="count"/> more numbers can fit in what remains of the file (each takes ≥ 2 bytes, "0,").</summary>
        private void CheckRoom(long count, int l, int piece, string field)
        {
            if (count > Array.MaxLength)
                throw json.Fail($"{Name(l, piece, field)} would hold {count} numbers, more than an array can ({Array.MaxLength}).");
            if (count > 0 && 2 * (count - 1) > json.Remaining)
                throw json.Fail($"{Name(l, piece, field)} declares {count} more numbers but only {json.Remaining} bytes remain (truncated or corrupted?).");
        }

        // W as rows: row 0 is collected in the reusable chunks (its length is not declared); then
        // rows × columns is checked against the bytes that remain and the matrix's column-major
        // storage is allocated once and filled in place.
        private Matrix<double> ReadMatrix(int rows, int l, int piece)
        {
            if (json.Next() != JsonTokenType.StartArray) throw json.Fail($"{Name(l, piece, "weights")} must be an array of rows.");
            if (json.Next() != JsonTokenType.StartArray)
                throw json.Type == JsonTokenType.EndArray
                    ? json.Fail($"{Name(l, piece, "weights")} has 0 rows but must have {rows} (the width of what comes before it).")
                    : json.Fail($"{Name(l, piece, "weights")} row 0 must be an array.");
            int cols = ReadIntoChunks(l, piece, "weights row 0");
            if (cols == 0) throw json.Fail($"{Name(l, piece, "weights")} row 0 is empty.");
            CheckRoom((long)rows * cols - cols, l, piece, "weights");
            var storage = new double[(long)rows * cols];
            for (int j = 0; j < cols; j++) storage[(long)j * rows] = _chunks[j / ChunkLength][j % ChunkLength];
            for (int i = 1; i < rows; i++)
            {
                if (json.Next() != JsonTokenType.StartArray)
                    throw json.Type == JsonTokenType.EndArray
                        ? json.Fail($"{Name(l, piece, "weights")} has {i} rows but must have {rows} (the width of what comes before it).")
                        : json.Fail($"{Name(l, piece, "weights")} row {i} must be an array.");
                for (int j = 0; j < cols; j++)
                {
                    if (json.Next() != JsonTokenType.Number)
                        throw json.Type == JsonTokenType.EndArray
                            ? json.Fail($"{Name(l, piece, "weights")} row {i} has {j} values but row 0 has {cols}.")
                            : json.Fail($"{Name(l, piece, "weights")} row {i}, column {j} must be a number.");
                    storage[(long)j * rows + i] = Finite() ?? throw NotFinite($"{Name(l, piece, "weights")} row {i}, column {j}");
                }
                if (json.Next() != JsonTokenType.EndArray) throw json.Fail($"{Name(l, piece, "weights")} row {i} has more values than row 0 ({cols}).");
            }
            if (json.Next() != JsonTokenType.EndArray) throw json.Fail($"{Name(l, piece, "weights")} has more rows than {rows} (the width of what comes before it).");
            return Matrix<double>.Build.Dense(rows, cols, storage);
        }

        /// <summary>Reads the numbers of the array just opened into the chunks; returns how many.</summary>
        private int ReadIntoChunks(int l, int piece, string field)
        {
            int n = 0;
            while (json.Next() != JsonTokenType.EndArray)
            {
                if (json.Type != JsonTokenType.Number) throw json.Fail($"{Name(l, piece, field)}, column {n} must be a number.");
                if (n == Array.MaxLength) CheckRoom((long)n + 1, l, piece, field);
                if (n / ChunkLength == _chunks.Count) _chunks.Add(new double[ChunkLength]);
                _chunks[n / ChunkLength][n % ChunkLength] = Finite() ?? throw NotFinite($"{Name(l, piece, field)}, column {n}");
                n++;
            }
            return n;
        }

        // b: with the width known (weights came first, the order Save writes) straight into an
        // array of that size; otherwise through the chunks.
        private double[] ReadRow(int expected, int l, int piece)
        {
            if (json.Next() != JsonTokenType.StartArray) throw json.Fail($"{Name(l, piece, "biases")} must be an array.");
            if (expected < 0)
            {
                int n = ReadIntoChunks(l, piece, "biases");
                var copy = new double[n];
                for (int j = 0; j < n; j++) copy[j] = _chunks[j / ChunkLength][j % ChunkLength];
                return copy;
            }
            var values = new double[expected];
            for (int j = 0; j < expected; j++)
            {
                if (json.Next() != JsonTokenType.Number)
                    throw json.Type == JsonTokenType.EndArray
                        ? json.Fail($"{Name(l, piece, "biases")} has {j} values but must have {expected} (one per unit).")
                        : json.Fail($"{Name(l, piece, "biases")} column {j} must be a number.");
                values[j] = Finite() ?? throw NotFinite($"{Name(l, piece, "biases")} column {j}");
            }
            if (json.Next() != JsonTokenType.EndArray) throw json.Fail($"{Name(l, piece, "biases")} has more values than {expected} (one per unit).");
            return values;
        }

        private Matrix<double> BiasRow(double[] b, int units, int l, int piece)
        {
            if (b.Length != units) throw json.Fail($"{Name(l, piece, "biases")} has {b.Length} values but must have {units} (one per unit).");
            return Matrix<double>.Build.Dense(1, units, b);
        }
    }

    /// <summary>The keys seen in one object: the format's own keys as bits, and at most <see cref="ModelReader.MaxUnknownKeys"/> unknown ones in a set made only when one appears.</summary>
    private sealed class Keys(int layer, int piece, string? name = null)
    {
        private static readonly string[] Known = ["format", "version", "inputs", "layers", "type", "activation", "parameter", "weights", "biases", "pieces", "rate",
                                                  "preprocessing", "classNames", "kind", "epsilon", "mean", "std", "variances", "components"];

        /// <summary>The keys of a named object outside the layers (e.g. "preprocessing").</summary>
        public Keys(string name) : this(-1, -1, name) { }
        private int _known;
        private HashSet<string>? _unknown;
        /// <summary>The object, named only when a message needs it.</summary>
        public string Where => name ?? (layer < 0 ? "the model" : piece < 0 ? $"layer {layer}" : $"layer {layer} piece {piece}");
        public bool Add(string key)
        {
            int i = Array.IndexOf(Known, key);
            if (i >= 0)
            {
                if ((_known & (1 << i)) != 0) return false;
                _known |= 1 << i;
                return true;
            }
            _unknown ??= new HashSet<string>(StringComparer.Ordinal);
            if (_unknown.Count == ModelReader.MaxUnknownKeys)
                throw new InvalidDataException($"{Where} has more than {ModelReader.MaxUnknownKeys} unknown keys.");
            return _unknown.Add(key);
        }
    }
}
