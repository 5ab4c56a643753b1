using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Federated.Shared.Codecs;

/// <summary>
/// Moves float32, binary16 and uint32 spans to and from little-endian bytes: one block copy or one
/// SIMD conversion on little-endian hosts, element by element only on big-endian ones.
/// </summary>
internal static class LittleEndianSpans
{
    public static void WriteSingles(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], values[i]);
    }

    public static void ReadSingles(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            source[..(destination.Length * sizeof(float))].CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }
        for (int i = 0; i < destination.Length; i++)
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
    }

    /// <summary>float32 → IEEE 754 binary16, round to nearest even (overflow gives ±∞).</summary>
    public static void WriteHalves(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            TensorPrimitives.ConvertToHalf(values, MemoryMarshal.Cast<byte, Half>(destination[..(values.Length * 2)]));
            return;
        }
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteHalfLittleEndian(destination[(i * 2)..], (Half)values[i]);
    }

    /// <summary>IEEE 754 binary16 → float32 (exact).</summary>
    public static void ReadHalves(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source[..(destination.Length * 2)]), destination);
            return;
        }
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(i * 2)..]);
    }

    public static void WriteIndices(ReadOnlySpan<int> indices, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(indices).CopyTo(destination);
            return;
        }
        for (int i = 0; i < indices.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(destination[(i * sizeof(uint))..], (uint)indices[i]);
    }

    public static uint ReadIndex(ReadOnlySpan<byte> indices, int position) =>
        BinaryPrimitives.ReadUInt32LittleEndian(indices[(position * sizeof(uint))..]);
}
