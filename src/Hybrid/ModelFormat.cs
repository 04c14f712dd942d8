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
                // Each layer's entry is its kind and the fields its own file defines (Layer.Fields).
                w.WriteStartObject();
                w.WriteString("type", layer.Kind);
                foreach (var field in layer.Fields) WriteField(w, field);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            extras?.WriteTo(w);
            w.WriteEndObject();
        }
    }

    private static void WriteField(Utf8JsonWriter w, LayerFieldView field) => field.WriteTo(new FieldWriter(w));

    /// <summary>The model file's JSON for each shape of a layer field (LayerFieldView.WriteTo picks the member).</summary>
    private sealed class FieldWriter(Utf8JsonWriter w) : ILayerFieldWriter
    {
        public void Text(string name, string value) => w.WriteString(name, value);
        public void Number(string name, double value) => w.WriteNumber(name, value);
        public void Matrix(string name, Matrix<double> value) => WriteMatrix(w, name, value);
        public void Flat(string name, Matrix<double> value) => WriteRow(w, name, value);
        public void BeginRecords(string name) => w.WriteStartArray(name);
        public void BeginRecord() => w.WriteStartObject();
        public void EndRecord() => w.WriteEndObject();
        public void EndRecords() => w.WriteEndArray();
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

    /// <summary>A test seam: called with the temporary file's path while it is still open and locked, its content written but not yet flushed (a test kills the process here).</summary>
    [ThreadStatic] internal static Action<string>? BeforeFlush;

    /// <summary>Every temporary file of Save starts with this (docs/model-format.md "Atomic writes").</summary>
    internal const string TempPrefix = ".hybrid-save-";

    /// <summary>
    /// The temporary files of saves to the file named <paramref name="fileName"/> match
    /// <c>.hybrid-save-&lt;tag&gt;-&lt;pid&gt;-&lt;guid&gt;.tmp</c>, the tag being the first 16 hex digits of the SHA-256 of
    /// the UTF-8 file name (recognisable, tied to one target, and short whatever the target's name)
    /// and pid the writing process's id (so a cleanup can tell a live writer's temp from a dead one's).
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
        var temp = Path.Combine(directory, $"{TempPrefix}{tag}-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            // FileShare.None also takes an exclusive lock (flock on Unix) while the file is written,
            // which tells RemoveStaleTemps of another save that this temp is alive.
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(file);
                BeforeFlush?.Invoke(temp);
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

    /// <summary>How old a temp without a writer's id (written by an older Hybrid) must be before a cleanup takes it as stale.</summary>
    internal static readonly TimeSpan LegacyTempAge = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Deletes the temporary files that killed saves of the same target left behind. A temp is
    /// provably stale only when the process that wrote it has ended (the id in its name names no
    /// running process; a temp of this process is never stale: its save removes it on failure), or,
    /// for a temp without an id, when it is older than <see cref="LegacyTempAge"/>. A stale temp is
    /// deleted on close after opening it exclusively (no save holds it). A live writer's temp is left
    /// alone even between its close and its rename, so concurrent saves to one path cannot delete
    /// each other's files. Failures are ignored (another process may be cleaning up at the same
    /// time). Returns how many were removed.
    /// </summary>
    internal static int RemoveStaleTemps(string directory, string tag)
    {
        int removed = 0;
        foreach (var stale in Directory.EnumerateFiles(directory, $"{TempPrefix}{tag}-*.tmp"))
        {
            if (!IsStale(stale, tag)) continue;
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

    private static bool IsStale(string temp, string tag)
    {
        // ".hybrid-save-<tag>-<pid>-<guid>.tmp"; an older Hybrid wrote ".hybrid-save-<tag>-<guid>.tmp".
        var rest = Path.GetFileNameWithoutExtension(temp)[(TempPrefix.Length + tag.Length + 1)..];
        int dash = rest.IndexOf('-');
        if (dash > 0 && int.TryParse(rest[..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid))
            return pid != Environment.ProcessId && !IsRunning(pid);
        try { return DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) > LegacyTempAge; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }      // no process has that id
        catch (InvalidOperationException) { return false; }
        catch (System.ComponentModel.Win32Exception) { return true; } // exists but cannot be inspected: assume alive
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

        // The fields of a layer may come in any order: each known key is read by its JSON shape
        // (a weight matrix has one row per input, a row after a matrix one value per unit), then
        // the kind named by "type" makes the layer from them (its file's Read: which fields are
        // required and what they must hold). Keys no kind knows are skipped unread.
        private LayerParts ReadLayer(int l, ref int width)
        {
            if (json.Type != JsonTokenType.StartObject) throw json.Fail($"layer {l} must be a JSON object.");
            var keys = new Keys(l, -1);
            string? type = null;
            var fields = _fields;
            fields.Clear();
            int units = -1;
            while (NextKey(keys, out var key))
            {
                if (key == "type")
                {
                    type = ReadString($"layer {l} \"type\"");
                    if (!Networks.IsLayerKind(type))
                        throw json.Fail($"layer {l} has unknown type {json.Quoted()} (expected {string.Join(", ", Networks.LayerKindNames)}).");
                }
                else if (LayerKeys.Contains(key)) fields.Add(ReadField(key, l, -1, width, ref units));
                else { json.Next(); json.SkipValue(); }
            }
            if (type is null) throw json.Fail($"layer {l} has no \"type\".");
            LayerParts layer;
            try { layer = Networks.ReadLayer(type, fields, l, width, QuoteText); }
            catch (FormatException e) { throw json.Fail(e.Message); }
            width = layer.OutputWidth(width);
            return layer;
        }

        // The fields of the layer being read (reused: a layer allocates only what it keeps).
        private readonly List<LayerFieldView> _fields = [];

        private static readonly HashSet<string> LayerKeys = new(Networks.LayerFieldKeys, StringComparer.Ordinal);
        private static readonly Func<string, string> QuoteText = text => Excerpt.Quote(text);

        /// <summary>One field of a layer (or of one of its records) by its JSON shape: a string, a finite number, an array of rows (a weight matrix of <paramref name="width"/> rows), an array of numbers (of <paramref name="units"/> values when a matrix came before it in the object), or an array of objects.</summary>
        private LayerFieldView ReadField(string key, int l, int piece, int width, ref int units)
        {
            switch (json.Next())
            {
                case JsonTokenType.String:
                    return LayerFieldView.OfText(key, json.Text ?? throw json.Fail($"{Name(l, piece, key)} is {json.Quoted()}, longer than any valid value."));
                case JsonTokenType.Number:
                    return LayerFieldView.OfNumber(key, Finite() ?? throw NotFinite(Name(l, piece, key)));
                case JsonTokenType.StartArray:
                    switch (json.Next())
                    {
                        case JsonTokenType.StartArray:
                        {
                            var m = ReadMatrixRows(width, l, piece, key);
                            units = m.ColumnCount;
                            return LayerFieldView.OfMatrix(key, m);
                        }
                        case JsonTokenType.StartObject:
                            return LayerFieldView.OfRecords(key, ReadRecords(key, l, width));
                        case JsonTokenType.Number or JsonTokenType.EndArray:
                            return LayerFieldView.OfRow(key, ReadRowValues(units, l, piece, key));
                        default:
                            throw json.Fail($"{Name(l, piece, key)} must hold numbers, rows or objects.");
                    }
                default:
                    throw json.Fail($"{Name(l, piece, key)} must be a string, a number or an array.");
            }
        }

        private LayerFieldView[][] ReadRecords(string key, int l, int width)
        {
            // The array and the first record's object are open.
            var records = new List<LayerFieldView[]>();
            do
            {
                int j = records.Count;
                if (json.Type != JsonTokenType.StartObject) throw json.Fail($"layer {l} {key} item {j} must be a JSON object.");
                var keys = new Keys(l, j);
                var fields = new List<LayerFieldView>();
                int units = -1;
                while (NextKey(keys, out var k))
                {
                    if (LayerKeys.Contains(k)) fields.Add(ReadField(k, l, j, width, ref units));
                    else { json.Next(); json.SkipValue(); }
                }
                records.Add(fields.ToArray());
            }
            while (json.Next() != JsonTokenType.EndArray);
            return records.ToArray();
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
        // The array and its row 0 are open.
        private Matrix<double> ReadMatrixRows(int rows, int l, int piece, string field)
        {
            int cols = ReadIntoChunks(l, piece, $"{field} row 0");
            if (cols == 0) throw json.Fail($"{Name(l, piece, field)} row 0 is empty.");
            CheckRoom((long)rows * cols - cols, l, piece, field);
            var storage = new double[(long)rows * cols];
            for (int j = 0; j < cols; j++) storage[(long)j * rows] = _chunks[j / ChunkLength][j % ChunkLength];
            for (int i = 1; i < rows; i++)
            {
                if (json.Next() != JsonTokenType.StartArray)
                    throw json.Type == JsonTokenType.EndArray
                        ? json.Fail($"{Name(l, piece, field)} has {i} rows but must have {rows} (the width of what comes before it).")
                        : json.Fail($"{Name(l, piece, field)} row {i} must be an array.");
                for (int j = 0; j < cols; j++)
                {
                    if (json.Next() != JsonTokenType.Number)
                        throw json.Type == JsonTokenType.EndArray
                            ? json.Fail($"{Name(l, piece, field)} row {i} has {j} values but row 0 has {cols}.")
                            : json.Fail($"{Name(l, piece, field)} row {i}, column {j} must be a number.");
                    storage[(long)j * rows + i] = Finite() ?? throw NotFinite($"{Name(l, piece, field)} row {i}, column {j}");
                }
                if (json.Next() != JsonTokenType.EndArray) throw json.Fail($"{Name(l, piece, field)} row {i} has more values than row 0 ({cols}).");
            }
            if (json.Next() != JsonTokenType.EndArray) throw json.Fail($"{Name(l, piece, field)} has more rows than {rows} (the width of what comes before it).");
            return Matrix<double>.Build.Dense(rows, cols, storage);
        }

        /// <summary>Reads the numbers of the array just opened into the chunks (its first token already read when <paramref name="started"/>); returns how many.</summary>
        private int ReadIntoChunks(int l, int piece, string field, bool started = false)
        {
            int n = 0;
            while ((started && n == 0 ? json.Type : json.Next()) != JsonTokenType.EndArray)
            {
                if (json.Type != JsonTokenType.Number) throw json.Fail($"{Name(l, piece, field)}, column {n} must be a number.");
                if (n == Array.MaxLength) CheckRoom((long)n + 1, l, piece, field);
                if (n / ChunkLength == _chunks.Count) _chunks.Add(new double[ChunkLength]);
                _chunks[n / ChunkLength][n % ChunkLength] = Finite() ?? throw NotFinite($"{Name(l, piece, field)}, column {n}");
                n++;
            }
            return n;
        }

        // A row (the array is open and its first token read): with the width known (a matrix came
        // first, the order Save writes) straight into an array of that size; otherwise through the
        // chunks.
        private double[] ReadRowValues(int expected, int l, int piece, string field)
        {
            if (expected < 0)
            {
                int n = ReadIntoChunks(l, piece, field, started: true);
                var copy = new double[n];
                for (int j = 0; j < n; j++) copy[j] = _chunks[j / ChunkLength][j % ChunkLength];
                return copy;
            }
            var values = new double[expected];
            for (int j = 0; j < expected; j++)
            {
                if (j > 0) json.Next();
                if (json.Type != JsonTokenType.Number)
                    throw json.Type == JsonTokenType.EndArray
                        ? json.Fail($"{Name(l, piece, field)} has {j} values but must have {expected} (one per unit).")
                        : json.Fail($"{Name(l, piece, field)} column {j} must be a number.");
                values[j] = Finite() ?? throw NotFinite($"{Name(l, piece, field)} column {j}");
            }
            if (expected == 0 ? json.Type != JsonTokenType.EndArray : json.Next() != JsonTokenType.EndArray)
                throw json.Fail($"{Name(l, piece, field)} has more values than {expected} (one per unit).");
            return values;
        }
    }

    /// <summary>The keys seen in one object: the format's own keys as bits, and at most <see cref="ModelReader.MaxUnknownKeys"/> unknown ones in a set made only when one appears.</summary>
    private sealed class Keys(int layer, int piece, string? name = null)
    {
        // The format's own keys: the model's, every layer kind's (from the registry) and the extras'.
        private static readonly string[] Known =
            ["format", "version", "inputs", "layers", "type", .. Networks.LayerFieldKeys,
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
