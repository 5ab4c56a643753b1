using System.Buffers.Binary;
using Federated.Shared.Codecs;
using Federated.Shared.Parameters;

namespace Federated.Tests.Codecs;

public class MalformedPayloadTests
{
    private static byte[] Int8Payload() => ParameterCodec.Encode(CodecTestData.SmallValues(), CodecKind.Int8);

    private static string DecodeError(ReadOnlySpan<byte> payload, ParameterLayout? layout = null)
    {
        var destination = new ParameterBuffer(layout ?? CodecTestData.SmallLayout());
        destination.Values.Fill(4);
        byte[] copy = payload.ToArray();
        var error = Assert.Throws<CodecException>(() => ParameterCodec.DecodeInto(copy, destination));
        Assert.All(destination.Array, v => Assert.Equal(4f, v)); // nothing written on error
        return error.Message;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(200)]
    public void Truncated_payloads_say_so(int keep)
    {
        Assert.Contains("truncated", DecodeError(Int8Payload().AsSpan(0, keep)), StringComparison.Ordinal);
    }

    [Fact]
    public void Payload_missing_its_last_byte_is_truncated()
    {
        byte[] payload = Int8Payload();
        Assert.Contains("truncated", DecodeError(payload.AsSpan(0, payload.Length - 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_bytes_are_refused()
    {
        byte[] payload = Int8Payload();
        Assert.Contains("3 bytes more", DecodeError([.. payload, 0, 0, 0]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CodecKind.Fp32)]
    [InlineData(CodecKind.Int8)]
    public void A_flipped_body_byte_fails_the_checksum(CodecKind kind)
    {
        byte[] payload = ParameterCodec.Encode(CodecTestData.SmallValues(), kind);
        payload[payload.Length / 2] ^= 0x04;
        Assert.Contains("checksum", DecodeError(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void A_flipped_trailer_byte_fails_the_checksum()
    {
        byte[] payload = Int8Payload();
        payload[^1] ^= 0x80;
        Assert.Contains("checksum", DecodeError(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_layout_is_named_with_both_fingerprints()
    {
        var other = new ParameterLayout([new TensorSpec("conv.weight", 4, 2, 3, 3), new TensorSpec("conv.bias", 4)]);
        string message = DecodeError(Int8Payload(), other);
        Assert.Contains("another layout", message, StringComparison.Ordinal);
        Assert.Contains($"expected layout fingerprint {other.Fingerprint[..12]}…", message, StringComparison.Ordinal);
        Assert.Contains($"got {CodecTestData.SmallLayout().Fingerprint[..12]}…", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_codec_id_is_named()
    {
        byte[] payload = Int8Payload();
        payload[10] = 9;
        Assert.Contains("unknown codec id 9", DecodeError(payload), StringComparison.Ordinal);
        Assert.Throws<CodecException>(() => ParameterCodec.PeekKind(payload));
    }

    [Fact]
    public void Wrong_magic_and_version_are_named()
    {
        byte[] payload = Int8Payload();
        payload[0] = (byte)'X';
        Assert.Contains("magic 'FEDENC1\\0'", DecodeError(payload), StringComparison.Ordinal);
        payload = Int8Payload();
        payload[8] = 7;
        Assert.Contains("format version 7; this build reads version 2", DecodeError(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_payload_is_refused_with_the_reason()
    {
        byte[] payload = Int8Payload();
        payload[8] = 1;
        Assert.Contains("format version 1 (SHA-256 trailer), which this build no longer reads", DecodeError(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_flags_are_refused()
    {
        byte[] payload = Int8Payload();
        payload[11] = 0x80;
        Assert.Contains("unknown flags 0x80", DecodeError(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void Element_count_that_disagrees_with_the_layout_is_named()
    {
        byte[] payload = Int8Payload();
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(76), 99);
        Assert.Contains("element count 99", DecodeError(payload), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-1f)]
    public void Invalid_int8_scales_are_refused_even_with_a_valid_checksum(float scale)
    {
        byte[] payload = Int8Payload();
        // Tensor 0 (conv.weight, 4 channels) starts right after the 80-byte header: scale of channel 2.
        BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(80 + 4 * 2), scale);
        CodecTestData.Reseal(payload);
        string message = DecodeError(payload);
        Assert.Contains("tensor 'conv.weight' channel 2 has an invalid INT8 scale", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_indices_out_of_order_are_refused_even_with_a_valid_checksum()
    {
        var layout = CodecTestData.SmallLayout();
        byte[] payload = ParameterCodec.EncodeSparse(new SparseUpdate(layout, [2, 5, 9], [1, 2, 3]), CodecKind.Fp16);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(80 + 4 + 4), 1); // second index 5 → 1
        CodecTestData.Reseal(payload);
        Assert.Contains("index 1 at position 1 is out of order", DecodeError(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_entry_count_beyond_the_layout_is_refused()
    {
        var layout = CodecTestData.SmallLayout();
        byte[] payload = ParameterCodec.EncodeSparse(new SparseUpdate(layout, [2], [1]), CodecKind.Fp32);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(80), 100_000);
        Assert.Contains("claims 100000 entries", DecodeError(payload), StringComparison.Ordinal);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(80), 2);
        Assert.Contains("truncated", DecodeError(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_an_undefined_codec_kind_is_an_argument_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterCodec.Encode(CodecTestData.SmallValues(), (CodecKind)7));
    }
}
