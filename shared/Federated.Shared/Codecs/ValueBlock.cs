using System.Buffers.Binary;

namespace Federated.Shared.Codecs;

/// <summary>
/// One block of values under one codec, split into <c>channels</c> equal slices:
/// <code>
/// Fp32             4·count bytes   float32
/// Fp16             2·count bytes   binary16
/// Int8, Int8Sto…   4·channels      float32 scales, one per slice, then
///                  count bytes     int8, slice after slice
/// </code>
/// A dense payload holds one block per tensor; a sparse one a single one-channel block of the kept values.
/// </summary>
internal static class ValueBlock
{
    public static long ByteCount(CodecKind kind, int count, int channels) => kind switch
    {
        CodecKind.Fp32 => 4L * count,
        CodecKind.Fp16 => 2L * count,
        _ => 4L * channels + count,
    };

    /// <summary>The number of axis-0 slices INT8 gives their own scale: shape[0] for rank ≥ 2, else one.</summary>
    public static int ChannelsOf(Parameters.TensorSpec tensor) => tensor.Rank >= 2 ? tensor.Shape[0] : 1;

    /// <summary>Encodes <paramref name="values"/>; <paramref name="tensorName"/> (null for sparse values) names them if a value cannot be quantized.</summary>
    public static void Write(CodecKind kind, ReadOnlySpan<float> values, int channels, Span<byte> destination, ref UniformNoise noise, string? tensorName)
    {
        switch (kind)
        {
            case CodecKind.Fp32:
                LittleEndianSpans.WriteSingles(values, destination);
                return;
            case CodecKind.Fp16:
                LittleEndianSpans.WriteHalves(values, destination);
                return;
        }

        bool stochastic = kind == CodecKind.Int8Stochastic;
        int width = channels == 0 ? 0 : values.Length / channels;
        var quantized = Int8Quantizer.AsSigned(destination.Slice(4 * channels, values.Length));
        for (int c = 0; c < channels; c++)
        {
            float scale = Int8Quantizer.Quantize(values.Slice(c * width, width), quantized.Slice(c * width, width), stochastic, ref noise);
            if (float.IsNaN(scale))
                throw new ArgumentException($"{(tensorName is null ? "The sparse update's values" : $"Tensor '{tensorName}'")} channel {c} holds a non-finite value; {kind} can only encode finite numbers.", nameof(values));
            BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * c)..], scale);
        }
    }

    /// <summary>Throws a <see cref="CodecException"/> naming <paramref name="tensorName"/> (null: sparse values) if any INT8 scale is negative or not finite.</summary>
    public static void ValidateScales(CodecKind kind, ReadOnlySpan<byte> source, int channels, string? tensorName)
    {
        if (kind is CodecKind.Fp32 or CodecKind.Fp16) return;
        for (int c = 0; c < channels; c++)
        {
            float scale = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * c)..]);
            if (!float.IsFinite(scale) || scale < 0)
                throw new CodecException($"The payload's {(tensorName is null ? "sparse values'" : $"tensor '{tensorName}'")} channel {c} has an invalid INT8 scale {scale}; scales must be finite and non-negative.");
        }
    }

    /// <summary>Decodes a block whose scales <see cref="ValidateScales"/> accepted.</summary>
    public static void Read(CodecKind kind, ReadOnlySpan<byte> source, int channels, Span<float> destination)
    {
        switch (kind)
        {
            case CodecKind.Fp32:
                LittleEndianSpans.ReadSingles(source, destination);
                return;
            case CodecKind.Fp16:
                LittleEndianSpans.ReadHalves(source, destination);
                return;
        }

        int width = channels == 0 ? 0 : destination.Length / channels;
        var quantized = Int8Quantizer.AsSigned(source.Slice(4 * channels, destination.Length));
        for (int c = 0; c < channels; c++)
        {
            float scale = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * c)..]);
            Int8Quantizer.Dequantize(quantized.Slice(c * width, width), scale, destination.Slice(c * width, width));
        }
    }
}
