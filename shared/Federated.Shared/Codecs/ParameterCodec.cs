using System.Runtime.InteropServices;
using Federated.Shared.Parameters;

namespace Federated.Shared.Codecs;

/// <summary>
/// Encoded parameters (a model or an update on the wire), format version 2. All integers little-endian.
/// <code>
/// 0        8 bytes   magic "FEDENC1\0"
/// 8        uint16    format version (2; version 1 had a 32-byte SHA-256 trailer)
/// 10       uint8     codec id (<see cref="CodecKind"/>: 0 Fp32, 1 Fp16, 2 Int8, 3 Int8Stochastic)
/// 11       uint8     flags: bit 0 sparse; other bits 0
/// 12       64 bytes  layout fingerprint: ASCII lower-case hex SHA-256 of the layout's canonical text
/// 76       uint32    element count n (the layout's total parameters)
/// 80       body
///   dense:   per tensor, in layout order, one value block (see below) with C channels,
///            C = shape[0] for rank ≥ 2 (output channels of a conv/linear weight), else 1
///   sparse:  uint32 k, then k uint32 indices (strictly increasing, &lt; n),
///            then one value block of the k kept values with C = 1
///   value block:  Fp32 4 bytes/value; Fp16 2 bytes/value (IEEE 754 binary16);
///                 Int8, Int8Stochastic: C float32 scales, then 1 int8 per value
/// end-16   16 bytes  XXH128 of every byte before it (corruption check, see EncodedHeader)
/// </code>
/// Dense sizes: 96 + 4n (Fp32), 96 + 2n (Fp16), 96 + n + 4·ΣC (INT8; 0.2502 of Fp32 for the
/// classic CNN). Sparse: 100 + k·8 (Fp32), 100 + k·6 (Fp16), 104 + k·5 (INT8) — index plus value
/// per kept entry. Decoding checks header, layout, length and checksum before it writes anything,
/// and throws <see cref="CodecException"/> saying what is wrong.
/// </summary>
public static partial class ParameterCodec
{
    public const ushort FormatVersion = 2;

    /// <summary>Bytes of a dense payload of <paramref name="layout"/> under <paramref name="kind"/>.</summary>
    public static int GetEncodedLength(ParameterLayout layout, CodecKind kind)
    {
        ArgumentNullException.ThrowIfNull(layout);
        CheckKind(kind);
        long length = EncodedHeader.Length + EncodedHeader.TrailerLength + DenseBodyLength(layout, kind);
        return length <= Array.MaxLength
            ? (int)length
            : throw new ArgumentException($"A {kind} payload of layout ({layout}) would take {length} bytes, more than one array holds.", nameof(layout));
    }

    /// <summary>Encodes <paramref name="values"/> densely. <paramref name="seed"/> drives <see cref="CodecKind.Int8Stochastic"/> only.</summary>
    public static byte[] Encode(ParameterBuffer values, CodecKind kind, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        byte[] payload = new byte[GetEncodedLength(values.Layout, kind)];
        Encode(values, kind, payload, seed);
        return payload;
    }

    /// <summary>
    /// Encodes <paramref name="values"/>, the flat parameters of <paramref name="layout"/>, densely: for
    /// values that live outside a <see cref="ParameterBuffer"/> (e.g. a view of a model file's bytes).
    /// </summary>
    public static byte[] Encode(ParameterLayout layout, ReadOnlySpan<float> values, CodecKind kind, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(layout);
        byte[] payload = new byte[GetEncodedLength(layout, kind)];
        Encode(layout, values, kind, payload, seed);
        return payload;
    }

    /// <summary>Encodes into <paramref name="destination"/> without allocating; returns the bytes written.</summary>
    public static int Encode(ParameterBuffer values, CodecKind kind, Span<byte> destination, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Encode(values.Layout, values.Values, kind, destination, seed);
    }

    private static int Encode(ParameterLayout layout, ReadOnlySpan<float> values, CodecKind kind, Span<byte> destination, int seed)
    {
        if (values.Length != layout.TotalLength)
            throw new ArgumentException($"{values.Length} values do not fill the layout ({layout}) of {layout.TotalLength}.", nameof(values));
        int length = GetEncodedLength(layout, kind);
        if (destination.Length < length)
            throw new ArgumentException($"The destination holds {destination.Length} bytes; a {kind} payload of layout ({layout}) needs {length}.", nameof(destination));

        var payload = destination[..length];
        EncodedHeader.Write(payload, kind, sparse: false, layout);
        var noise = new UniformNoise(seed);
        int position = EncodedHeader.Length;
        for (int t = 0; t < layout.Count; t++)
        {
            var tensor = layout.Tensors[t];
            int channels = ValueBlock.ChannelsOf(tensor);
            int blockLength = (int)ValueBlock.ByteCount(kind, tensor.ElementCount, channels);
            ValueBlock.Write(kind, values.Slice(layout.OffsetOf(t), tensor.ElementCount), channels, payload.Slice(position, blockLength), ref noise, tensor.Name);
            position += blockLength;
        }
        EncodedHeader.Seal(payload);
        return length;
    }

    /// <summary>Decodes a dense or sparse payload into new parameters of <paramref name="expectedLayout"/>.</summary>
    public static ParameterBuffer Decode(ReadOnlySpan<byte> payload, ParameterLayout expectedLayout)
    {
        ArgumentNullException.ThrowIfNull(expectedLayout);
        var parameters = new ParameterBuffer(expectedLayout);
        DecodeInto(payload, parameters);
        return parameters;
    }

    /// <summary>
    /// Decodes a dense or sparse payload into <paramref name="destination"/>, whose layout is the one
    /// expected (a sparse payload leaves zeros where it holds no entry). On error nothing is written.
    /// </summary>
    public static void DecodeInto(ReadOnlySpan<byte> payload, ParameterBuffer destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = EncodedHeader.Read(payload);
        header.CheckLayout(payload, destination.Layout);
        if (header.Sparse)
        {
            DecodeSparseInto(payload, header.Kind, destination);
            return;
        }

        var layout = destination.Layout;
        EncodedHeader.CheckLength(payload, EncodedHeader.Length + EncodedHeader.TrailerLength + DenseBodyLength(layout, header.Kind), $"a dense {header.Kind} payload of layout ({layout})");
        EncodedHeader.VerifyChecksum(payload);
        ForEachBlock(payload, layout, header.Kind, destination, validateOnly: true);
        ForEachBlock(payload, layout, header.Kind, destination, validateOnly: false);
    }

    /// <summary>
    /// The payload's values after the same checks as <see cref="DecodeInto"/>: a dense FP32 payload
    /// on a little-endian machine is returned as a view of its own bytes (its body is the flat
    /// buffer), anything else is decoded into <paramref name="scratch"/> and returned from there.
    /// Lets a receiver check and fold in an upload without a second model-sized copy.
    /// </summary>
    public static ReadOnlySpan<float> DecodeOrView(ReadOnlySpan<byte> payload, ParameterBuffer scratch)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        var header = EncodedHeader.Read(payload);
        if (header.Kind != CodecKind.Fp32 || header.Sparse || !BitConverter.IsLittleEndian)
        {
            DecodeInto(payload, scratch);
            return scratch.Values;
        }
        var layout = scratch.Layout;
        header.CheckLayout(payload, layout);
        EncodedHeader.CheckLength(payload, EncodedHeader.Length + EncodedHeader.TrailerLength + DenseBodyLength(layout, CodecKind.Fp32), $"a dense Fp32 payload of layout ({layout})");
        EncodedHeader.VerifyChecksum(payload);
        return MemoryMarshal.Cast<byte, float>(payload[EncodedHeader.Length..^EncodedHeader.TrailerLength]);
    }

    /// <summary>The codec a payload uses, after checking its magic, version and codec id (not its checksum).</summary>
    public static CodecKind PeekKind(ReadOnlySpan<byte> payload) => EncodedHeader.Read(payload).Kind;

    /// <summary>Whether a payload is sparse (top-k), after the same checks as <see cref="PeekKind"/>.</summary>
    public static bool IsSparse(ReadOnlySpan<byte> payload) => EncodedHeader.Read(payload).Sparse;

    private static void ForEachBlock(ReadOnlySpan<byte> payload, ParameterLayout layout, CodecKind kind, ParameterBuffer destination, bool validateOnly)
    {
        int position = EncodedHeader.Length;
        for (int t = 0; t < layout.Count; t++)
        {
            var tensor = layout.Tensors[t];
            int channels = ValueBlock.ChannelsOf(tensor);
            int blockLength = (int)ValueBlock.ByteCount(kind, tensor.ElementCount, channels);
            var block = payload.Slice(position, blockLength);
            if (validateOnly) ValueBlock.ValidateScales(kind, block, channels, tensor.Name);
            else ValueBlock.Read(kind, block, channels, destination.Tensor(t));
            position += blockLength;
        }
    }

    private static long DenseBodyLength(ParameterLayout layout, CodecKind kind)
    {
        long length = 0;
        for (int t = 0; t < layout.Count; t++)
        {
            var tensor = layout.Tensors[t];
            length += ValueBlock.ByteCount(kind, tensor.ElementCount, ValueBlock.ChannelsOf(tensor));
        }
        return length;
    }

    private static void CheckKind(CodecKind kind)
    {
        if (!Enum.IsDefined(kind))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown codec kind; use one of {string.Join(", ", Enum.GetNames<CodecKind>())}.");
    }
}
