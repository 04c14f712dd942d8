using System.Buffers.Binary;
using Google.Protobuf;
using Hybrid.Onnx.Proto;

namespace Hybrid.Onnx;

/// <summary>
/// What the ONNX exporter, the importer and the local functions share: the element types, the
/// opset, the domain of Hybrid's local functions, and small builders for nodes, attributes and
/// tensors.
/// </summary>
internal static class OnnxGraph
{
    /// <summary>The default-domain opset Hybrid writes (ONNX 1.12, IR version 8).</summary>
    internal const int Opset = 17;

    /// <summary>The IR version matching <see cref="Opset"/>.</summary>
    internal const long IrVersion = 8;

    /// <summary>The domain of Hybrid's model-local functions (docs/onnx.md).</summary>
    internal const string Domain = "hybrid";

    /// <summary>The version of <see cref="Domain"/>.</summary>
    internal const int DomainVersion = 1;

    internal const int FloatType = (int)TensorProto.Types.DataType.Float;
    internal const int DoubleType = (int)TensorProto.Types.DataType.Double;

    internal static int ElementType(OnnxPrecision precision) => precision == OnnxPrecision.Double ? DoubleType : FloatType;

    internal static NodeProto Node(string op, string name, string[] inputs, string[] outputs, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        if (domain.Length > 0) node.Domain = domain;
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    internal static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    internal static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    internal static AttributeProto TensorAttribute(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    /// <summary>A tensor of the given element type and shape from values in row-major order, stored little-endian in raw_data (float64 bit for bit; float32 rounded to nearest).</summary>
    internal static TensorProto Tensor(string name, int elementType, long[] dims, ReadOnlySpan<double> values)
    {
        var t = new TensorProto { Name = name, DataType = elementType };
        t.Dims.AddRange(dims);
        int size = elementType == DoubleType ? 8 : 4;
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (elementType == DoubleType) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
            else BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), (float)values[i]);
        }
        t.RawData = ByteString.CopyFrom(bytes);
        return t;
    }

    /// <summary>A scalar (rank 0) tensor.</summary>
    internal static TensorProto Scalar(string name, int elementType, double value) => Tensor(name, elementType, [], [value]);

    internal static ValueInfoProto Value(string name, int elementType, string batch, int width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } } };
    }
}
