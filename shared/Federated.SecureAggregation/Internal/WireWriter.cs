using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Federated.SecureAggregation;

/// <summary>
/// Writes one wire message into an exactly sized array: the header, then little-endian fields. The
/// caller computes the size first (<see cref="SecureAggregationWire"/>); <see cref="Finish"/> checks
/// that it was filled.
/// </summary>
internal ref struct WireWriter
{
    private readonly byte[] _buffer;
    private int _position;

    public WireWriter(WireMessageType type, long size)
    {
        if (size > Array.MaxLength)
            throw new ArgumentException($"A {WireMessageTypes.Name(type)} message of {size} bytes exceeds the largest array ({Array.MaxLength} bytes).");
        _buffer = GC.AllocateUninitializedArray<byte>((int)size);
        SecureAggregationWire.Magic.CopyTo(_buffer);
        _buffer[4] = (byte)type;
        _buffer[5] = SecureAggregationWire.FormatVersion;
        _position = SecureAggregationWire.HeaderBytes;
    }

    private readonly Span<byte> Rest => _buffer.AsSpan(_position);

    public void WriteByte(byte value) => _buffer[_position++] = value;

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Rest, value);
        _position += sizeof(int);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(Rest, value);
        _position += sizeof(uint);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Rest, value);
        _position += sizeof(long);
    }

    public void WriteSingle(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(Rest, value);
        _position += sizeof(float);
    }

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(Rest, value);
        _position += sizeof(double);
    }

    /// <summary>A 32-byte key or seed: one length byte (32), then the bytes.</summary>
    public void WriteKey(byte[] key)
    {
        WriteByte((byte)key.Length);
        key.CopyTo(Rest);
        _position += key.Length;
    }

    /// <summary>A variable-length byte string: uint32 length, then the bytes.</summary>
    public void WriteBlob(byte[] blob)
    {
        WriteUInt32((uint)blob.Length);
        blob.CopyTo(Rest);
        _position += blob.Length;
    }

    /// <summary>uint32 count, then the values as raw little-endian uint32 (one bulk copy on little-endian machines).</summary>
    public void WriteUInt32Array(ReadOnlySpan<uint> values)
    {
        WriteUInt32((uint)values.Length);
        var destination = Rest[..(values.Length * sizeof(uint))];
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(destination);
        else BinaryPrimitives.ReverseEndianness(values, MemoryMarshal.Cast<byte, uint>(destination));
        _position += destination.Length;
    }

    /// <summary>uint32 count, then the values as raw little-endian int32.</summary>
    public void WriteInt32Array(ReadOnlySpan<int> values)
    {
        WriteUInt32((uint)values.Length);
        var destination = Rest[..(values.Length * sizeof(int))];
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(destination);
        else BinaryPrimitives.ReverseEndianness(values, MemoryMarshal.Cast<byte, int>(destination));
        _position += destination.Length;
    }

    public readonly byte[] Finish()
    {
        if (_position != _buffer.Length)
            throw new InvalidOperationException($"Wire writer filled {_position} of {_buffer.Length} bytes.");
        return _buffer;
    }
}
