using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Federated.Shared.Parameters;

namespace Federated.Shared.Codecs;

/// <summary>
/// The fixed 80-byte header and the checksum trailer of an encoded payload (layout in
/// <see cref="ParameterCodec"/>). The trailer is XXH128 (xxHash, Collet; XXH3 family): it catches
/// corruption and mis-assembled chunks at tens of GB/s, where SHA-256 (about 1.5 GB/s with SHA-NI)
/// cost more than the INT8 quantization itself. It is not a defence against tampering; authenticity
/// comes from the transport (TLS) and the signed model content hash.
/// </summary>
internal readonly struct EncodedHeader
{
    public const int Length = 80;
    public const int TrailerLength = 16;
    public const byte SparseFlag = 1;
    private const int FingerprintOffset = 12;
    private const int FingerprintLength = 64;
    private const int CountOffset = 76;
    private const int ShownHexChars = 12;

    private static ReadOnlySpan<byte> Magic => "FEDENC1\0"u8;

    private EncodedHeader(CodecKind kind, bool sparse, int elementCount)
    {
        Kind = kind;
        Sparse = sparse;
        ElementCount = elementCount;
    }

    public CodecKind Kind { get; }

    public bool Sparse { get; }

    public int ElementCount { get; }

    public static void Write(Span<byte> payload, CodecKind kind, bool sparse, ParameterLayout layout)
    {
        Magic.CopyTo(payload);
        BinaryPrimitives.WriteUInt16LittleEndian(payload[8..], ParameterCodec.FormatVersion);
        payload[10] = (byte)kind;
        payload[11] = sparse ? SparseFlag : (byte)0;
        Encoding.ASCII.GetBytes(layout.Fingerprint, payload.Slice(FingerprintOffset, FingerprintLength));
        BinaryPrimitives.WriteUInt32LittleEndian(payload[CountOffset..], (uint)layout.TotalLength);
    }

    /// <summary>Writes the XXH128 of everything before the trailer into the trailer.</summary>
    public static void Seal(Span<byte> payload) => XxHash128.Hash(payload[..^TrailerLength], payload[^TrailerLength..]);

    /// <summary>Checks length, magic, version, codec id and flags; the cheap checks that need no layout.</summary>
    public static EncodedHeader Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Length + TrailerLength)
            throw new CodecException($"The encoded payload is truncated: {payload.Length} bytes is shorter than any payload ({Length + TrailerLength} bytes of header and checksum).");
        if (!payload[..8].SequenceEqual(Magic))
            throw new CodecException("The payload is not encoded parameters: its first bytes are not the magic 'FEDENC1\\0'.");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]);
        if (version != ParameterCodec.FormatVersion)
            throw new CodecException(version == 1
                ? "The encoded payload has format version 1 (SHA-256 trailer), which this build no longer reads; re-encode it with this build (format version 2, XXH128 trailer)."
                : $"The encoded payload has format version {version}; this build reads version {ParameterCodec.FormatVersion}.");
        var kind = (CodecKind)payload[10];
        if (!Enum.IsDefined(kind))
            throw new CodecException($"The encoded payload uses unknown codec id {payload[10]}; this build knows {string.Join(", ", Enum.GetNames<CodecKind>())} (ids 0–{Enum.GetValues<CodecKind>().Length - 1}).");
        byte flags = payload[11];
        if ((flags & ~SparseFlag) != 0)
            throw new CodecException($"The encoded payload has unknown flags 0x{flags:x2}; this build knows only 0x01 (sparse).");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(payload[CountOffset..]);
        if (count > Array.MaxLength)
            throw new CodecException($"The encoded payload claims {count} elements, more than any layout holds.");
        return new EncodedHeader(kind, (flags & SparseFlag) != 0, (int)count);
    }

    /// <summary>Checks that the payload was encoded for <paramref name="expected"/>.</summary>
    public void CheckLayout(ReadOnlySpan<byte> payload, ParameterLayout expected)
    {
        Span<byte> wanted = stackalloc byte[FingerprintLength];
        Encoding.ASCII.GetBytes(expected.Fingerprint, wanted);
        var actual = payload.Slice(FingerprintOffset, FingerprintLength);
        if (!actual.SequenceEqual(wanted))
            throw new CodecException($"The encoded payload is for another layout: expected layout fingerprint {expected.Fingerprint[..ShownHexChars]}…, got {Printable(actual[..ShownHexChars])}….");
        if (ElementCount != expected.TotalLength)
            throw new CodecException($"The encoded payload's element count {ElementCount} does not match its layout, which holds {expected.TotalLength} parameters.");
    }

    public static void CheckLength(ReadOnlySpan<byte> payload, long expected, string what)
    {
        if (payload.Length < expected)
            throw new CodecException($"The encoded payload is truncated: it has {payload.Length} bytes, {what} needs {expected}.");
        if (payload.Length > expected)
            throw new CodecException($"The encoded payload has {payload.Length - expected} bytes more than {what} needs ({expected}).");
    }

    public static void VerifyChecksum(ReadOnlySpan<byte> payload)
    {
        Span<byte> actual = stackalloc byte[TrailerLength];
        XxHash128.Hash(payload[..^TrailerLength], actual);
        if (!actual.SequenceEqual(payload[^TrailerLength..]))
            throw new CodecException("The encoded payload is corrupt: its XXH128 checksum does not match its contents.");
    }

    private static string Printable(ReadOnlySpan<byte> ascii)
    {
        Span<char> text = stackalloc char[ascii.Length];
        for (int i = 0; i < ascii.Length; i++) text[i] = ascii[i] is >= 0x20 and < 0x7f ? (char)ascii[i] : '?';
        return new string(text);
    }
}
