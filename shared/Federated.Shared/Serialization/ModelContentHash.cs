using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Federated.Shared.Parameters;

namespace Federated.Shared.Serialization;

/// <summary>
/// The content address of a model: hex SHA-256 over the layout's canonical text, a zero byte,
/// and the little-endian float32 values. Equal parameters in equal layouts hash alike, whatever
/// round or file produced them, so checkpoints and client caches deduplicate by it.
/// </summary>
public static class ModelContentHash
{
    public static string Compute(ParameterBuffer parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Compute(parameters.Layout, parameters.Values);
    }

    /// <summary>The content hash of <paramref name="values"/> in <paramref name="layout"/>, wherever the values live.</summary>
    public static string Compute(ParameterLayout layout, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (values.Length != layout.TotalLength)
            throw new ArgumentException($"{values.Length} values do not fill the layout ({layout}) of {layout.TotalLength}.", nameof(values));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(layout.ToCanonicalString()));
        hash.AppendData([0]);
        LittleEndianFloats.Append(hash, values);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>Writes and hashes float spans as little-endian bytes without per-element work on little-endian hosts.</summary>
internal static class LittleEndianFloats
{
    private const int ChunkFloats = 16 * 1024;

    public static void Append(IncrementalHash hash, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            hash.AppendData(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> chunk = new byte[ChunkFloats * sizeof(float)];
        for (int start = 0; start < values.Length; start += ChunkFloats)
        {
            var part = values.Slice(start, Math.Min(ChunkFloats, values.Length - start));
            Encode(part, chunk);
            hash.AppendData(chunk[..(part.Length * sizeof(float))]);
        }
    }

    public static void Write(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> chunk = new byte[ChunkFloats * sizeof(float)];
        for (int start = 0; start < values.Length; start += ChunkFloats)
        {
            var part = values.Slice(start, Math.Min(ChunkFloats, values.Length - start));
            Encode(part, chunk);
            stream.Write(chunk[..(part.Length * sizeof(float))]);
        }
    }

    /// <summary>Decodes little-endian bytes into floats in place order.</summary>
    public static void Read(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }
        for (int i = 0; i < destination.Length; i++)
            destination[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * sizeof(float)));
    }

    private static void Encode(ReadOnlySpan<float> values, Span<byte> destination)
    {
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * sizeof(float)), values[i]);
    }
}
