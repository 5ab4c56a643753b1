using System.Buffers;
using System.Buffers.Binary;
using Federated.Shared.Parameters;

namespace Federated.Shared.Codecs;

public static partial class ParameterCodec
{
    private const int SparseCountLength = sizeof(uint);

    /// <summary>
    /// Bytes of a sparse payload with <paramref name="kept"/> entries: 116 + 4·k for the indices plus
    /// the value block (4·k Fp32, 2·k Fp16, 4 + k INT8), i.e. 8, 6 or 5 bytes per kept entry.
    /// </summary>
    public static int GetSparseEncodedLength(int kept, CodecKind kind)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kept);
        CheckKind(kind);
        long length = SparseLength(kept, kind);
        return length <= Array.MaxLength
            ? (int)length
            : throw new ArgumentOutOfRangeException(nameof(kept), kept, $"A sparse {kind} payload of {kept} entries would take {length} bytes, more than one array holds.");
    }

    /// <summary>Encodes a top-k update: its indices as uint32, its values under <paramref name="kind"/> (INT8 with one scale for all of them).</summary>
    public static byte[] EncodeSparse(SparseUpdate update, CodecKind kind, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(update);
        byte[] payload = new byte[GetSparseEncodedLength(update.Count, kind)];
        EncodedHeader.Write(payload, kind, sparse: true, update.Layout);
        var body = payload.AsSpan(EncodedHeader.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(body, (uint)update.Count);
        body = body[SparseCountLength..];
        LittleEndianSpans.WriteIndices(update.Indices, body);
        body = body[(sizeof(uint) * update.Count)..];
        var noise = new UniformNoise(seed);
        ValueBlock.Write(kind, update.Values, channels: 1, body[..^EncodedHeader.TrailerLength], ref noise, tensorName: null);
        EncodedHeader.Seal(payload);
        return payload;
    }

    private static long SparseLength(int kept, CodecKind kind) =>
        EncodedHeader.Length + SparseCountLength + (long)sizeof(uint) * kept + ValueBlock.ByteCount(kind, kept, 1) + EncodedHeader.TrailerLength;

    private static void DecodeSparseInto(ReadOnlySpan<byte> payload, CodecKind kind, ParameterBuffer destination)
    {
        int n = destination.Length;
        var body = payload[EncodedHeader.Length..^EncodedHeader.TrailerLength];
        if (body.Length < SparseCountLength)
            throw new CodecException($"The encoded payload is truncated: it has {payload.Length} bytes, too few for a sparse payload's entry count.");
        uint kept = BinaryPrimitives.ReadUInt32LittleEndian(body);
        if (kept > (uint)n)
            throw new CodecException($"The sparse payload claims {kept} entries, more than the layout's {n} parameters (truncated or corrupt).");
        int k = (int)kept;
        EncodedHeader.CheckLength(payload, SparseLength(k, kind), $"a sparse {kind} payload of {k} entries");
        EncodedHeader.VerifyChecksum(payload);

        var indices = body.Slice(SparseCountLength, sizeof(uint) * k);
        var block = body[(SparseCountLength + sizeof(uint) * k)..];
        long previous = -1;
        for (int i = 0; i < k; i++)
        {
            uint index = LittleEndianSpans.ReadIndex(indices, i);
            if (index <= previous || index >= (uint)n)
                throw new CodecException($"The sparse payload's index {index} at position {i} is out of order or outside the layout's {n} parameters.");
            previous = index;
        }
        ValueBlock.ValidateScales(kind, block, 1, tensorName: null);

        float[] values = ArrayPool<float>.Shared.Rent(k);
        try
        {
            var kept32 = values.AsSpan(0, k);
            ValueBlock.Read(kind, block, 1, kept32);
            var dense = destination.Values;
            dense.Clear();
            for (int i = 0; i < k; i++) dense[(int)LittleEndianSpans.ReadIndex(indices, i)] = kept32[i];
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
        }
    }
}
