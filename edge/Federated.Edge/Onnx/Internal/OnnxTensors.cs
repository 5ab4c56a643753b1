using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Federated.Edge.Onnx.Proto;
using Google.Protobuf;

namespace Federated.Edge.Onnx.Internal;

/// <summary>
/// Builds and reads <see cref="TensorProto"/> values in their <c>raw_data</c> form: little-endian
/// values in row-major order (ONNX IR.md, "Tensor definition").
/// </summary>
internal static class OnnxTensors
{
    public static TensorProto Float(string name, ReadOnlySpan<float> values, params ReadOnlySpan<long> dims) =>
        Create(name, TensorProto.Types.DataType.Float, dims, LittleEndian(values));

    public static TensorProto Int8(string name, ReadOnlySpan<sbyte> values, params ReadOnlySpan<long> dims) =>
        Create(name, TensorProto.Types.DataType.Int8, dims, ByteString.CopyFrom(MemoryMarshal.AsBytes(values)));

    public static TensorProto Int32(string name, ReadOnlySpan<int> values, params ReadOnlySpan<long> dims) =>
        Create(name, TensorProto.Types.DataType.Int32, dims, LittleEndian(values));

    /// <summary>A scalar (rank 0) float.</summary>
    public static TensorProto FloatScalar(string name, float value) => Float(name, [value]);

    /// <summary>A scalar (rank 0) int8.</summary>
    public static TensorProto Int8Scalar(string name, sbyte value) => Int8(name, [value]);

    private static TensorProto Create(string name, TensorProto.Types.DataType type, ReadOnlySpan<long> dims, ByteString raw)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = raw };
        foreach (long dim in dims) tensor.Dims.Add(dim);
        return tensor;
    }

    private static ByteString LittleEndian(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian) return ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        byte[] bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return ByteString.CopyFrom(bytes);
    }

    private static ByteString LittleEndian(ReadOnlySpan<int> values)
    {
        if (BitConverter.IsLittleEndian) return ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        byte[] bytes = new byte[values.Length * sizeof(int)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * sizeof(int)), values[i]);
        return ByteString.CopyFrom(bytes);
    }

    /// <summary>Number of elements a tensor's dims describe (1 for a scalar).</summary>
    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (long dim in tensor.Dims) count *= dim;
        return count;
    }

    /// <summary>A float tensor's values, from <c>raw_data</c> or <c>float_data</c>.</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"Tensor '{tensor.Name}' holds {TypeName(tensor.DataType)}, not float.");
        if (tensor.RawData.IsEmpty) return [.. tensor.FloatData];
        ReadOnlySpan<byte> raw = tensor.RawData.Span;
        var values = new float[raw.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
        return values;
    }

    /// <summary>An integer tensor's values (int8, uint8, int32), widened to int.</summary>
    public static int[] ReadIntegers(TensorProto tensor)
    {
        var type = (TensorProto.Types.DataType)tensor.DataType;
        ReadOnlySpan<byte> raw = tensor.RawData.Span;
        switch (type)
        {
            case TensorProto.Types.DataType.Int8 when !tensor.RawData.IsEmpty:
            {
                var values = new int[raw.Length];
                for (int i = 0; i < values.Length; i++) values[i] = (sbyte)raw[i];
                return values;
            }
            case TensorProto.Types.DataType.Uint8 when !tensor.RawData.IsEmpty:
            {
                var values = new int[raw.Length];
                for (int i = 0; i < values.Length; i++) values[i] = raw[i];
                return values;
            }
            case TensorProto.Types.DataType.Int32 when !tensor.RawData.IsEmpty:
            {
                var values = new int[raw.Length / sizeof(int)];
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(i * sizeof(int))..]);
                return values;
            }
            case TensorProto.Types.DataType.Int8 or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Int32:
                // The specification stores these types widened in int32_data when raw_data is absent.
                return [.. tensor.Int32Data];
            default:
                throw new InvalidDataException($"Tensor '{tensor.Name}' holds {TypeName(tensor.DataType)}, not an 8- or 32-bit integer.");
        }
    }

    /// <summary>The specification's lower-case name of a data type (<c>float</c>, <c>int8</c>, ...).</summary>
    public static string TypeName(int dataType) =>
        Enum.IsDefined((TensorProto.Types.DataType)dataType)
            ? ((TensorProto.Types.DataType)dataType).ToString().ToLowerInvariant()
            : $"data type {dataType}";
}
