using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Federated.SecureAggregation;

/// <summary>
/// Float ↔ Z_2^b fixed point for secure aggregation (the encoding Bonawitz et al. 2017 assume in
/// §3: inputs are vectors over Z_R). Encode clips to [−c, c], multiplies by w·s, rounds to nearest,
/// clamps to ±L (so n summands never wrap, see <see cref="SecureAggregationOptions"/>) and stores two's
/// complement mod 2^b; the weight w goes last at scale L / W. Decode lifts each sum element to
/// (−2^(b−1), 2^(b−1)) and divides by the scale. Works in stack chunks with TensorPrimitives.
/// </summary>
internal static class FixedPointEncoder
{
    private const int ChunkFloats = 1024;

    /// <summary>Writes encode(w·clip(x)) and encode(w) into <paramref name="destination"/> (length x + 1).</summary>
    public static void Encode(ReadOnlySpan<float> values, float weight, SecureAggregationOptions options, Span<uint> destination)
    {
        if (destination.Length != values.Length + 1) ThrowLength(values.Length, destination.Length);
        if (!float.IsFinite(weight) || weight < 0 || weight > options.MaxExampleWeight)
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"The example weight must be in [0, {options.MaxExampleWeight}].");

        float clip = options.ClipRange;
        float limit = LimitAsFloat(options.SummandLimit);
        float factor = (float)(weight * options.ValueScale);
        uint mask = ModulusMask(options.BitWidth);
        Span<float> scaled = stackalloc float[ChunkFloats];
        for (int start = 0; start < values.Length; start += ChunkFloats)
        {
            int length = Math.Min(ChunkFloats, values.Length - start);
            var input = values.Slice(start, length);
            // MaxMagnitude propagates NaN: one cheap pass that keeps NaN from encoding as a silent 0.
            if (float.IsNaN(TensorPrimitives.MaxMagnitude(input))) throw new ArgumentException("The update contains NaN.", nameof(values));
            var part = scaled[..length];
            TensorPrimitives.Max(input, -clip, part);
            TensorPrimitives.Min(part, clip, part);
            TensorPrimitives.Multiply(part, factor, part);
            TensorPrimitives.Round(part, part);
            // Float rounding of w·s·x may step one ulp past L; clamping keeps the no-wrap guarantee exact.
            TensorPrimitives.Min(part, limit, part);
            TensorPrimitives.Max(part, -limit, part);
            var target = MemoryMarshal.Cast<uint, int>(destination.Slice(start, length));
            TensorPrimitives.ConvertTruncating<float, int>(part, target);
        }
        double encodedWeight = Math.Min(Math.Round(weight * options.WeightScale), options.SummandLimit);
        destination[^1] = (uint)(long)encodedWeight;
        Reduce(destination, mask);
    }

    /// <summary>
    /// Decodes a sum mod 2^b (length m + 1) into Σ w·x (length m) and returns Σ w. The centered lift is
    /// exact because the encoder kept |Σ q| &lt; 2^(b−1).
    /// </summary>
    public static double DecodeSum(ReadOnlySpan<uint> sum, SecureAggregationOptions options, Span<float> weightedSum)
    {
        if (sum.Length != weightedSum.Length + 1) ThrowLength(weightedSum.Length, sum.Length);
        DecodeValues(sum[..^1], options, weightedSum);
        return DecodeWeight(sum[^1], options);
    }

    /// <summary>
    /// Decodes value elements of a sum (any run of them, before the weight element) into Σ w·x. Bits
    /// above b are ignored, so the sum need not be reduced first.
    /// </summary>
    public static void DecodeValues(ReadOnlySpan<uint> sum, SecureAggregationOptions options, Span<float> weightedSum)
    {
        if (sum.Length != weightedSum.Length) throw new ArgumentException($"{sum.Length} sum elements cannot decode into {weightedSum.Length} values.", nameof(weightedSum));
        int shift = 32 - options.BitWidth;
        float inverse = (float)(1.0 / options.ValueScale);
        Span<int> lifted = stackalloc int[ChunkFloats];
        for (int start = 0; start < weightedSum.Length; start += ChunkFloats)
        {
            int length = Math.Min(ChunkFloats, weightedSum.Length - start);
            var part = lifted[..length];
            var source = MemoryMarshal.Cast<uint, int>(sum.Slice(start, length));
            if (shift == 0)
            {
                source.CopyTo(part);
            }
            else
            {
                // Sign-extend from bit b − 1: the centered representative of each value mod 2^b.
                TensorPrimitives.ShiftLeft(source, shift, part);
                TensorPrimitives.ShiftRightArithmetic(part, shift, part);
            }
            var output = weightedSum.Slice(start, length);
            TensorPrimitives.ConvertTruncating<int, float>(part, output);
            TensorPrimitives.Multiply(output, inverse, output);
        }
    }

    /// <summary>Σ w from the sum's last (weight) element, which need not be reduced mod 2^b.</summary>
    public static double DecodeWeight(uint sumOfWeights, SecureAggregationOptions options)
    {
        int shift = 32 - options.BitWidth;
        int weight = (int)(sumOfWeights << shift) >> shift;
        return weight / options.WeightScale;
    }

    /// <summary>All-ones in the low b bits: x &amp; mask is x mod 2^b.</summary>
    public static uint ModulusMask(int bitWidth) => bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;

    /// <summary>Reduces every element mod 2^b in place (no-op for b = 32, where uint arithmetic already wraps).</summary>
    public static void Reduce(Span<uint> values, uint mask)
    {
        if (mask != uint.MaxValue) TensorPrimitives.BitwiseAnd(values, mask, values);
    }

    /// <summary>The largest float not above L, so clamped values convert to ints within ±L.</summary>
    private static float LimitAsFloat(long limit)
    {
        float f = limit;
        return f > limit ? MathF.BitDecrement(f) : f;
    }

    private static void ThrowLength(int values, int encoded) =>
        throw new ArgumentException($"An encoded vector holds the values plus one weight element: {values} values need {values + 1}, got {encoded}.");
}
