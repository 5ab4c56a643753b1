namespace Federated.Shared.Codecs;

/// <summary>
/// Seeded U[0, 1) floats for stochastic rounding: SplitMix64 (Steele, Lea &amp; Flood 2014,
/// "Fast Splittable Pseudorandom Number Generators"), two 24-bit draws per 64-bit output.
/// A value type with no allocation; the same seed gives the same stream on every machine.
/// </summary>
internal struct UniformNoise
{
    private const float TwoToMinus24 = 1f / (1 << 24);
    private ulong _state;

    public UniformNoise(int seed) => _state = unchecked((ulong)seed * 0xD1B54A32D192ED03UL);

    public void Fill(Span<float> destination)
    {
        int i = 0;
        for (; i + 1 < destination.Length; i += 2)
        {
            ulong bits = Next();
            destination[i] = (bits >> 40) * TwoToMinus24;
            destination[i + 1] = ((bits >> 8) & 0xFFFFFF) * TwoToMinus24;
        }
        if (i < destination.Length) destination[i] = (Next() >> 40) * TwoToMinus24;
    }

    private ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
