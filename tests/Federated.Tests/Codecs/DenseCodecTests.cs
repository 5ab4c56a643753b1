using Federated.Shared.Codecs;
using Federated.Shared.Parameters;

namespace Federated.Tests.Codecs;

public class DenseCodecTests
{
    [Fact]
    public void Fp32_round_trip_is_bit_exact()
    {
        var values = CodecTestData.SmallValues();
        var decoded = ParameterCodec.Decode(ParameterCodec.Encode(values, CodecKind.Fp32), values.Layout);
        Assert.Equal(values.Array, decoded.Array);
    }

    [Fact]
    public void Fp16_round_trip_is_within_binary16_relative_precision()
    {
        var values = CodecTestData.SmallValues();
        var decoded = ParameterCodec.Decode(ParameterCodec.Encode(values, CodecKind.Fp16), values.Layout);
        for (int i = 0; i < values.Length; i++)
        {
            float x = values.Values[i];
            // Round to nearest: relative error ≤ 2^-11 for normal binary16 numbers (|x| ≥ 2^-14),
            // absolute error ≤ half the subnormal spacing 2^-24 below that.
            float bound = MathF.Max(MathF.Abs(x) * MathF.Pow(2, -11), MathF.Pow(2, -25));
            Assert.True(MathF.Abs(decoded.Values[i] - x) <= bound, $"element {i}: {x} decoded as {decoded.Values[i]}");
        }
    }

    [Theory]
    [InlineData(CodecKind.Int8)]
    [InlineData(CodecKind.Int8Stochastic)]
    public void Int8_error_is_bounded_by_each_channels_own_scale(CodecKind kind)
    {
        var values = CodecTestData.SmallValues();
        var decoded = ParameterCodec.Decode(ParameterCodec.Encode(values, kind, seed: 7), values.Layout);
        // Nearest rounding errs by at most half a step; stochastic rounding by less than one step.
        float steps = kind == CodecKind.Int8 ? 0.5f : 1f;
        int channels = 0;
        foreach (var (offset, length, peak) in CodecTestData.Channels(values))
        {
            float scale = peak / 127;
            for (int i = offset; i < offset + length; i++)
            {
                float error = MathF.Abs(decoded.Values[i] - values.Values[i]);
                Assert.True(error <= steps * scale * 1.0001f + 1e-12f, $"element {i}: error {error} exceeds {steps} × scale {scale}");
            }
            channels++;
        }
        Assert.Equal(4 + 1 + 3 + 1, channels);
    }

    [Fact]
    public void Int8_keeps_each_channels_largest_magnitude_almost_exactly()
    {
        var values = CodecTestData.Cnn();
        var decoded = ParameterCodec.Decode(ParameterCodec.Encode(values, CodecKind.Int8), values.Layout);
        foreach (var (offset, length, peak) in CodecTestData.Channels(values))
        {
            float decodedPeak = 0;
            foreach (float v in decoded.Values.Slice(offset, length)) decodedPeak = MathF.Max(decodedPeak, MathF.Abs(v));
            Assert.Equal(peak, decodedPeak, peak * 1e-6f);
        }
    }

    [Theory]
    [InlineData(CodecKind.Fp32)]
    [InlineData(CodecKind.Fp16)]
    [InlineData(CodecKind.Int8)]
    [InlineData(CodecKind.Int8Stochastic)]
    public void Zero_tensors_round_trip_to_zeros_without_nan(CodecKind kind)
    {
        var zeros = new ParameterBuffer(CodecTestData.SmallLayout());
        var decoded = ParameterCodec.Decode(ParameterCodec.Encode(zeros, kind), zeros.Layout);
        Assert.All(decoded.Array, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_zero_channel_beside_nonzero_ones_stays_zero()
    {
        var values = CodecTestData.SmallValues();
        values.Tensor("conv.weight").Slice(18, 18).Clear(); // channel 1 of 4
        var decoded = ParameterCodec.Decode(ParameterCodec.Encode(values, CodecKind.Int8), values.Layout);
        Assert.All(decoded.Tensor("conv.weight").Slice(18, 18).ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(decoded.Tensor("conv.weight")[..18].ToArray(), v => v != 0);
    }

    [Theory]
    [InlineData(CodecKind.Fp32, 1.0, 1.0)]
    [InlineData(CodecKind.Fp16, 0.5, 0.5001)]
    [InlineData(CodecKind.Int8, 0.25, 0.26)]
    [InlineData(CodecKind.Int8Stochastic, 0.25, 0.26)]
    public void Payload_size_of_the_cnn_relative_to_fp32_bytes(CodecKind kind, double low, double high)
    {
        var cnn = CodecTestData.Cnn();
        byte[] payload = ParameterCodec.Encode(cnn, kind);
        Assert.Equal(ParameterCodec.GetEncodedLength(cnn.Layout, kind), payload.Length);
        double ratio = (double)(payload.Length - 96) / (cnn.Length * sizeof(float));
        Assert.InRange(ratio, low, high);
        if (kind is CodecKind.Int8 or CodecKind.Int8Stochastic)
        {
            // 1,199,882 int8 values + 238 float32 scales (32 + 1 + 64 + 1 + 128 + 1 + 10 + 1 channels).
            Assert.Equal(96 + 1_199_882 + 4 * 238, payload.Length);
        }
    }

    [Fact]
    public void Decode_into_an_existing_buffer_equals_decode()
    {
        var values = CodecTestData.SmallValues();
        byte[] payload = ParameterCodec.Encode(values, CodecKind.Int8);
        var destination = CodecTestData.SmallValues(seed: 99);
        ParameterCodec.DecodeInto(payload, destination);
        Assert.Equal(ParameterCodec.Decode(payload, values.Layout).Array, destination.Array);
    }

    [Fact]
    public void Encoding_into_a_span_writes_the_same_bytes()
    {
        var values = CodecTestData.SmallValues();
        var span = new byte[ParameterCodec.GetEncodedLength(values.Layout, CodecKind.Fp16) + 10];
        int written = ParameterCodec.Encode(values, CodecKind.Fp16, span);
        Assert.Equal(ParameterCodec.Encode(values, CodecKind.Fp16), span.AsSpan(0, written).ToArray());
        Assert.Throws<ArgumentException>(() => ParameterCodec.Encode(values, CodecKind.Fp16, span.AsSpan(0, written - 1)));
    }

    [Theory]
    [InlineData(CodecKind.Fp32)]
    [InlineData(CodecKind.Fp16)]
    [InlineData(CodecKind.Int8)]
    [InlineData(CodecKind.Int8Stochastic)]
    public void Peek_names_the_codec_and_density(CodecKind kind)
    {
        byte[] payload = ParameterCodec.Encode(CodecTestData.SmallValues(), kind);
        Assert.Equal(kind, ParameterCodec.PeekKind(payload));
        Assert.False(ParameterCodec.IsSparse(payload));
    }

    [Fact]
    public void Int8_refuses_non_finite_values_naming_the_tensor()
    {
        var values = CodecTestData.SmallValues();
        values.Tensor("fc.weight")[7] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => ParameterCodec.Encode(values, CodecKind.Int8));
        Assert.Contains("'fc.weight' channel 1", error.Message, StringComparison.Ordinal);
    }
}
