using System.Runtime.Intrinsics;

namespace Federated.Shared.Codecs;

/// <summary>
/// Seeded U[0, 1) floats for stochastic rounding, eight at a time: eight independent xorshift128
/// generators (Marsaglia 2003, "Xorshift RNGs", the [11, 8, 19] triple), one per vector lane, so
/// a step is a handful of shifts and xors on a <see cref="Vector256{T}"/>. Lanes are seeded from
/// SplitMix64 (Steele, Lea &amp; Flood 2014). Each float takes the top 24 bits of its lane's
/// output, so it is a multiple of 2⁻²⁴ below 1. A value type with no allocation; the same seed gives
/// the same stream on every machine, whether Vector256 is hardware-accelerated or emulated.
/// </summary>
internal struct UniformNoise
{
    private const float TwoToMinus24 = 1f / (1 << 24);
    private Vector256<uint> _s0;
    private Vector256<uint> _s1;
    private Vector256<uint> _s2;
    private Vector256<uint> _s3;

    public UniformNoise(int seed)
    {
        ulong state = unchecked((ulong)seed * 0xD1B54A32D192ED03UL);
        _s0 = SeedVector(ref state);
        _s1 = SeedVector(ref state);
        _s2 = SeedVector(ref state);
        _s3 = SeedVector(ref state);
    }

    /// <summary>The next eight U[0, 1) floats.</summary>
    public Vector256<float> Next()
    {
        var t = _s0 ^ (_s0 << 11);
        _s0 = _s1;
        _s1 = _s2;
        _s2 = _s3;
        _s3 = _s3 ^ (_s3 >>> 19) ^ t ^ (t >>> 8);
        return Vector256.ConvertToSingle((_s3 >>> 8).AsInt32()) * TwoToMinus24;
    }

    /// <summary>Fills <paramref name="destination"/> with the stream's next floats, eight per step.</summary>
    public void Fill(Span<float> destination)
    {
        int i = 0;
        for (; i + Vector256<float>.Count <= destination.Length; i += Vector256<float>.Count)
            Next().CopyTo(destination[i..]);
        if (i == destination.Length) return;
        Span<float> last = stackalloc float[Vector256<float>.Count];
        Next().CopyTo(last);
        last[..(destination.Length - i)].CopyTo(destination[i..]);
    }

    private static Vector256<uint> SeedVector(ref ulong state)
    {
        Span<uint> lanes = stackalloc uint[Vector256<uint>.Count];
        for (int i = 0; i < lanes.Length; i += 2)
        {
            ulong bits = SplitMix64(ref state);
            // xorshift128 must not start from an all-zero state; a zero lane word is harmless
            // as long as the lane's four words are not all zero, which the | 1 guarantees.
            lanes[i] = (uint)bits | 1;
            lanes[i + 1] = (uint)(bits >> 32);
        }
        return Vector256.Create<uint>(lanes);
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
