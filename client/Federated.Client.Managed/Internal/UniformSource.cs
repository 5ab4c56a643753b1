namespace Federated.Client.Managed.Internal;

/// <summary>
/// A seeded stream of uniform floats in [0, 1) for dropout masks: SplitMix64 (Steele, Lea and
/// Flood 2014), chosen because it is a few integer operations per draw, has no allocation and
/// gives the same stream on every platform and .NET version for the same seed.
/// </summary>
internal sealed class UniformSource(long seed)
{
    private ulong _state = unchecked((ulong)seed);

    /// <summary>The next draw: the top 24 bits of the next 64-bit output, so every float is exact.</summary>
    public float NextSingle()
    {
        ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 40) * (1f / (1 << 24));
    }
}
