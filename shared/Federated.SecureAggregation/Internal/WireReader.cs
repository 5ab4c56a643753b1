using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Federated.SecureAggregation;

/// <summary>
/// Reads one wire message of an expected type. The constructor checks the header; every read checks
/// the remaining length first, and every count is checked against the bytes left before anything is
/// allocated, so a hostile count costs nothing. <see cref="End"/> refuses trailing bytes. Failures
/// throw <see cref="SecureAggregationException"/> naming the message type, the field and the offset.
/// </summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly WireMessageType _type;
    private int _position;

    public WireReader(ReadOnlySpan<byte> bytes, WireMessageType expected)
    {
        _bytes = bytes;
        _type = expected;
        if (bytes.Length < SecureAggregationWire.HeaderBytes)
            Fail(expected, $"truncated: {bytes.Length} bytes, but the header alone is {SecureAggregationWire.HeaderBytes}");
        if (!bytes[..4].SequenceEqual(SecureAggregationWire.Magic))
            Fail(expected, $"wrong magic 0x{Convert.ToHexString(bytes[..4])} (expected \"FSA1\", 0x46534131)");
        var actual = (WireMessageType)bytes[4];
        if (actual != expected)
            Fail(expected, $"wrong message type {bytes[4]} ({WireMessageTypes.Name(actual)}); expected {(byte)expected} ({WireMessageTypes.Name(expected)})");
        if (bytes[5] != SecureAggregationWire.FormatVersion)
            Fail(expected, $"unsupported format version {bytes[5]} (this reader knows version {SecureAggregationWire.FormatVersion})");
        _position = SecureAggregationWire.HeaderBytes;
    }

    private readonly int Remaining => _bytes.Length - _position;

    public byte ReadByte(string field) => Take(field, 1)[0];

    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(field, sizeof(int)));

    public long ReadInt64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(field, sizeof(long)));

    public float ReadSingle(string field) => BinaryPrimitives.ReadSingleLittleEndian(Take(field, sizeof(float)));

    public double ReadDouble(string field) => BinaryPrimitives.ReadDoubleLittleEndian(Take(field, sizeof(double)));

    /// <summary>A length byte that must be 32, then the key.</summary>
    public byte[] ReadKey(string field)
    {
        int length = ReadByte(field);
        if (length != SecureAggregationWire.KeyBytes)
            Fail(_type, $"{field} is {length} bytes at offset {_position - 1}; keys and seeds are {SecureAggregationWire.KeyBytes} bytes");
        return Take(field, length).ToArray();
    }

    /// <summary>A uint32 length, checked against the bytes left, then that many bytes.</summary>
    public byte[] ReadBlob(string field)
    {
        int length = ReadCount(field, 1, "length");
        return Take(field, length).ToArray();
    }

    /// <summary>A uint32 count of entries of at least <paramref name="minimumEntryBytes"/> each, refused when the bytes left cannot hold them.</summary>
    public int ReadCount(string field, int minimumEntryBytes, string noun = "count")
    {
        int offset = _position;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(Take($"the {noun} of {field}", sizeof(uint)));
        if ((ulong)count * (ulong)minimumEntryBytes > (ulong)Remaining)
            Fail(_type, $"the {noun} of {field} at offset {offset} is {count}, which needs at least {(ulong)count * (ulong)minimumEntryBytes} bytes, but only {Remaining} remain");
        return (int)count;
    }

    /// <summary>A count, then raw little-endian uint32 values copied in bulk into one new array.</summary>
    public uint[] ReadUInt32Array(string field)
    {
        int count = ReadCount(field, sizeof(uint));
        var values = GC.AllocateUninitializedArray<uint>(count);
        var source = Take(field, count * sizeof(uint));
        if (BitConverter.IsLittleEndian) source.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        else BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(source), values);
        return values;
    }

    /// <summary>A count, then raw little-endian int32 values.</summary>
    public int[] ReadInt32Array(string field)
    {
        int count = ReadCount(field, sizeof(int));
        var values = new int[count];
        var source = Take(field, count * sizeof(int));
        if (BitConverter.IsLittleEndian) source.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        else BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(source), values);
        return values;
    }

    /// <summary>Refuses bytes after the last field.</summary>
    public readonly void End()
    {
        if (Remaining != 0)
            Fail(_type, $"{Remaining} trailing bytes after the last field (offset {_position} of {_bytes.Length})");
    }

    /// <summary>Refuses a message whose fields decoded but do not make sense (invalid options, unknown enum value).</summary>
    [DoesNotReturn]
    public readonly void Invalid(string what, Exception? inner = null) => Fail(_type, what, inner);

    private ReadOnlySpan<byte> Take(string field, int count)
    {
        if (count > Remaining)
            Fail(_type, $"truncated at offset {_position} reading {field}: needs {count} bytes, {Remaining} remain");
        var slice = _bytes.Slice(_position, count);
        _position += count;
        return slice;
    }

    [DoesNotReturn]
    private static void Fail(WireMessageType type, string what, Exception? inner = null)
    {
        string message = $"Malformed {WireMessageTypes.Name(type)} message: {what}.";
        var phase = WireMessageTypes.Phase(type);
        throw inner is null ? new SecureAggregationException(phase, message) : new SecureAggregationException(phase, message, inner);
    }
}
