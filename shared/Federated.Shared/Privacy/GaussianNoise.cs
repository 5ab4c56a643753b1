using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Federated.Shared.Privacy;

/// <summary>
/// Adds N(0, σ²) noise to every value of a span. A xoshiro256** generator (Blackman &amp; Vigna 2021,
/// "Scrambled Linear Pseudorandom Number Generators") feeds the Box–Muller transform in double
/// precision. By default the generator's 256-bit state comes from the operating system's
/// cryptographic generator, so nobody can predict (and subtract) the noise; a seed makes the noise
/// reproducible, for simulations and tests only.
/// Limits: xoshiro is not a cryptographic generator (an observer of many raw outputs could recover its
/// state; here only noised floats leave), and float arithmetic leaks through the low bits of noised
/// values (Mironov 2012, "On Significance of the Least Significant Bits for Differential Privacy"),
/// which snapping mechanisms address and this class does not.
/// Not thread-safe: one instance per thread or per caller.
/// </summary>
public sealed class GaussianNoise
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spare;
    private bool _hasSpare;

    /// <summary>A generator seeded from the operating system's cryptographic random number generator.</summary>
    public GaussianNoise()
    {
        Span<byte> state = stackalloc byte[32];
        do
        {
            RandomNumberGenerator.Fill(state);
            _s0 = BinaryPrimitives.ReadUInt64LittleEndian(state);
            _s1 = BinaryPrimitives.ReadUInt64LittleEndian(state[8..]);
            _s2 = BinaryPrimitives.ReadUInt64LittleEndian(state[16..]);
            _s3 = BinaryPrimitives.ReadUInt64LittleEndian(state[24..]);
        }
        while ((_s0 | _s1 | _s2 | _s3) == 0);
        CryptographicOperations.ZeroMemory(state);
    }

    /// <summary>A reproducible generator (simulations, tests): the same seed gives the same noise on every machine.</summary>
    public GaussianNoise(long seed)
    {
        // SplitMix64 (Steele, Lea & Flood 2014) spreads one seed over the four state words, never all zero.
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>A generator seeded by <paramref name="seed"/> when given, else cryptographically.</summary>
    public static GaussianNoise Create(long? seed) => seed is { } s ? new GaussianNoise(s) : new GaussianNoise();

    /// <summary>Adds independent N(0, <paramref name="standardDeviation"/>²) noise to each value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The standard deviation is negative, NaN or infinite.</exception>
    public void AddTo(Span<float> values, double standardDeviation)
    {
        if (!(standardDeviation >= 0) || !double.IsFinite(standardDeviation))
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The noise's standard deviation must be a finite number >= 0.");
        if (standardDeviation == 0) return;
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(values[i] + standardDeviation * NextStandard());
    }

    /// <summary>One N(0, 1) sample.</summary>
    public double NextStandard()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        // Box–Muller: u1 in (0, 1] so the logarithm is finite, u2 in [0, 1).
        double u1 = 1.0 - NextUnit();
        double u2 = NextUnit();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * u2);
        _spare = radius * sin;
        _hasSpare = true;
        return radius * cos;
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits of the next output.</summary>
    private double NextUnit() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    private ulong NextBits()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
