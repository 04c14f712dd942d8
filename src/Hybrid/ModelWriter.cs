using System.Text.Json;
using Hybrid.Core.Interop;
using MathNet.Numerics.LinearAlgebra;
using CoreNetwork = Hybrid.Core.Network;
using CoreState = Hybrid.Core.TrainingState;

namespace Hybrid;

// The model file's writer: the network's layers, each as its kind and the fields its own file defines.
internal static partial class ModelFormat
{
    internal static byte[] Write(CoreNetwork net, ModelExtras? extras = null, CoreState? state = null, Precision precision = Precision.Double)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, net, extras, state, precision);
        return stream.ToArray();
    }

    /// <summary>Writes the model to a stream (the writer flushes in pieces, so a large model is never held whole in memory).</summary>
    /// <remarks>
    /// With a training state the file is a checkpoint (version 3, its "training" section last; net must be the state's network); with extras only,
    /// version 2; else version 1. A network trained in float32 says so ("precision": "single", after "inputs"); a float64 one writes no key, as
    /// before, so its file is unchanged.
    /// </remarks>
    internal static void WriteTo(Stream stream, CoreNetwork net, ModelExtras? extras = null, CoreState? state = null, Precision precision = Precision.Double)
    {
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", state is not null ? CheckpointVersion : extras is null ? 1 : 2);
            w.WriteNumber("inputs", Networks.InputSize(net));
            if (precision != Precision.Double) w.WriteString("precision", PrecisionName(precision));
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
            if (state is not null) WriteTraining(w, state);
            w.WriteEndObject();
        }
    }

    private static void WriteField(Utf8JsonWriter w, LayerFieldView field) => field.WriteTo(new FieldWriter(w));

    /// <summary>The model file's spelling of a precision: its member name in lower case ("single").</summary>
    internal static string PrecisionName(Precision precision) => precision.ToString().ToLowerInvariant();

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
}
