using System.Text.Json;
using Hybrid.Core.Interop;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid;

// The model file's reader: a state machine over the JSON tokens, one method per object of the format.
internal static partial class ModelFormat
{
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
            Hybrid.Core.Network? network = null;
            Hybrid.Core.TrainingState? state = null;
            var precision = Precision.Double;
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
                        network = Networks.Create(layers);
                        break;
                    case "precision":
                        // The precision the network was trained in (docs/model-format.md); absent in older files and for float64.
                        var name = ReadString("\"precision\"");
                        precision = Enum.GetValues<Precision>().FirstOrDefault(p => PrecisionName(p) == name, (Precision)(-1));
                        if (precision == (Precision)(-1))
                            throw json.Fail($"\"precision\" is {json.Quoted()} but must be {string.Join(" or ", Enum.GetValues<Precision>().Select(p => $"\"{PrecisionName(p)}\""))}.");
                        break;
                    case "training":
                        // Its moments are checked against the parameters, so it comes after the layers (the order Save writes).
                        if (network is null) throw json.Fail("\"training\" must come after \"layers\" (the order Save writes).");
                        state = ReadTraining(network);
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
            if (layers is null || network is null) throw json.Fail("the model has no \"layers\".");
            if (json.TryNext()) throw json.Fail($"the model is followed by more text at byte {json.TokenPosition}.");
            if (state is not null && version < CheckpointVersion)
                throw json.Fail($"\"training\" belongs to format version {CheckpointVersion}, but the file says version {version}.");
            return new ModelContents(network, Extras(version, network), state, precision);
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
                        throw json.Fail($"layer {l} has unknown type {json.Quoted()} (expected {string.Join(", ", Networks.LayerKindNames)}, or a layer of yours registered before loading).");
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
}
