using Federated.Simulations.Scenarios;

namespace Federated.Simulations.Engine;

/// <summary>
/// Which virtual client fails how, decided by hashing (seed, round, client) rather than by a
/// shared random stream: the answer for one client never depends on the order in which
/// clients ask, so faults are reproducible whatever the thread timing.
/// </summary>
internal sealed class FaultPlan(FaultSpec faults, int seed, double roundTimeoutSeconds)
{
    public FaultSpec Spec => faults;

    private const ulong StragglerSalt = 0x5354524147474c45; // "STRAGGLE"
    private const ulong DropoutSalt = 0x44524f504f555421;   // "DROPOUT!"
    private const ulong OfflineSalt = 0x4f46464c494e4521;   // "OFFLINE!"
    private const ulong ByzantineSalt = 0x42595a414e54494e; // "BYZANTIN"
    private const ulong SecureSalt = 0x5345434147475221;    // "SECAGGR!"

    public bool IsStraggler(int client) => Uniform(StragglerSalt, 0, client) < faults.StragglerFraction;

    public bool IsOffline(long round, int client) => Uniform(OfflineSalt, round, client) < faults.UnavailableProbability;

    public bool DropsOut(long round, int client) => Uniform(DropoutSalt, round, client) < faults.DropoutProbability;

    /// <summary>Whether the client drops silently before sending its message of secure-aggregation phase <paramref name="phase"/> (0..3).</summary>
    public bool DropsOutOfSecurePhase(long round, int client, int phase) =>
        Uniform(SecureSalt + (ulong)phase, round, client) < faults.SecureDropoutProbability;

    /// <summary>Whether the client sends malicious updates (the same clients every round).</summary>
    public bool IsByzantine(int client) => Uniform(ByzantineSalt, 0, client) < faults.ByzantineFraction;

    /// <summary>Simulated seconds the client needs for <paramref name="steps"/> optimizer steps.</summary>
    public double SimulatedSeconds(int client, long steps) =>
        steps * faults.SecondsPerStep * (IsStraggler(client) ? faults.StragglerSlowdown : 1);

    /// <summary>Whether the client's result would arrive after the round's deadline.</summary>
    public bool MissesDeadline(int client, long steps) => SimulatedSeconds(client, steps) > roundTimeoutSeconds;

    /// <summary>A uniform draw in [0, 1) from SplitMix64 (Steele, Lea, Flood 2014) over the mixed inputs.</summary>
    private double Uniform(ulong salt, long round, int client)
    {
        ulong state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ salt ^ (ulong)round * 0xBF58476D1CE4E5B9UL ^ (ulong)client * 0x94D049BB133111EBUL);
        state = unchecked(state + 0x9E3779B97F4A7C15UL);
        state = unchecked((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9UL);
        state = unchecked((state ^ (state >> 27)) * 0x94D049BB133111EBUL);
        state ^= state >> 31;
        return (state >> 11) * (1.0 / (1UL << 53));
    }
}
