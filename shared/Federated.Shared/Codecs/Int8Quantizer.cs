using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;

namespace Federated.Shared.Codecs;

/// <summary>
/// Symmetric INT8 quantization of one channel: scale = max|x| / 127, q ∈ [−127, 127] (−128 unused,
/// so the grid is symmetric about zero). Round-to-nearest-even gives |x − q·scale| ≤ scale / 2;
/// stochastic rounding q = ⌊x / scale + u⌋, u ~ U[0, 1), is unbiased (Gupta et al. 2015,
/// "Deep Learning with Limited Numerical Precision", §3). Works in stack chunks with
/// TensorPrimitives; nothing is allocated.
/// </summary>
internal static class Int8Quantizer
{
    public const float Levels = 127f;
    private const int ChunkFloats = 1024;

    /// <summary>
    /// Quantizes <paramref name="channel"/> into <paramref name="quantized"/> and returns its scale.
    /// A channel whose scale would be zero or subnormal (max|x| &lt; 127 · 2⁻¹²⁶) is all zeros with scale 0.
    /// Returns NaN, writing nothing, when the channel holds a non-finite value.
    /// </summary>
    public static float Quantize(ReadOnlySpan<float> channel, Span<sbyte> quantized, bool stochastic, ref UniformNoise noise)
    {
        float peak = MathF.Abs(TensorPrimitives.MaxMagnitude(channel));
        if (!float.IsFinite(peak)) return float.NaN;
        float scale = peak / Levels;
        if (!float.IsNormal(scale))
        {
            quantized[..channel.Length].Clear();
            return 0f;
        }

        float inverse = Levels / peak;
        Span<float> scaled = stackalloc float[ChunkFloats];
        Span<float> uniform = stochastic ? stackalloc float[ChunkFloats] : default;
        for (int start = 0; start < channel.Length; start += ChunkFloats)
        {
            int length = Math.Min(ChunkFloats, channel.Length - start);
            var part = scaled[..length];
            TensorPrimitives.Multiply(channel.Slice(start, length), inverse, part);
            if (stochastic)
            {
                noise.Fill(uniform[..length]);
                TensorPrimitives.Add(part, uniform[..length], part);
                TensorPrimitives.Floor(part, part);
            }
            else
            {
                TensorPrimitives.Round(part, part);
            }
            // x·(127/peak) can land a rounding error past ±127; keep the symmetric range.
            TensorPrimitives.Min(part, Levels, part);
            TensorPrimitives.Max(part, -Levels, part);
            NarrowIntegral(part, quantized.Slice(start, length));
        }
        return scale;
    }

    /// <summary>
    /// Whole floats already in [−127, 127] to int8, sixteen at a time (float→int32, then two
    /// narrowing steps), which TensorPrimitives does not vectorize for sbyte.
    /// </summary>
    private static void NarrowIntegral(ReadOnlySpan<float> integral, Span<sbyte> destination)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= integral.Length; i += 16)
            {
                var a = Vector128.ConvertToInt32(Vector128.Create(integral.Slice(i, 4)));
                var b = Vector128.ConvertToInt32(Vector128.Create(integral.Slice(i + 4, 4)));
                var c = Vector128.ConvertToInt32(Vector128.Create(integral.Slice(i + 8, 4)));
                var d = Vector128.ConvertToInt32(Vector128.Create(integral.Slice(i + 12, 4)));
                Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, d)).CopyTo(destination[i..]);
            }
        }
        for (; i < integral.Length; i++) destination[i] = (sbyte)integral[i];
    }

    public static void Dequantize(ReadOnlySpan<sbyte> quantized, float scale, Span<float> destination)
    {
        TensorPrimitives.ConvertTruncating<sbyte, float>(quantized[..destination.Length], destination);
        TensorPrimitives.Multiply(destination, scale, destination);
    }

    public static Span<sbyte> AsSigned(Span<byte> bytes) => MemoryMarshal.Cast<byte, sbyte>(bytes);

    public static ReadOnlySpan<sbyte> AsSigned(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, sbyte>(bytes);
}
