using Federated.Coordinator.Options;
using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// What every strategy here shares: a seeded random sample of clients per round (McMahan et al.'s
/// C-fraction) and the same local training settings for all. Variants decide only how updates are
/// aggregated and what state they carry (none by default).
/// </summary>
public abstract class StrategyBase : IStrategy
{
    protected StrategyBase(FederationOptions federation)
    {
        ArgumentNullException.ThrowIfNull(federation);
        Federation = federation;
    }

    protected FederationOptions Federation { get; }

    public abstract string Name { get; }

    public virtual bool NeedsAllUpdates => false;

    public IReadOnlyList<string> SelectClients(long round, IReadOnlyList<string> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        int wanted = Math.Max(Federation.ClientsPerRound, (int)Math.Ceiling(Federation.FractionPerRound * available.Count));
        int count = Math.Min(wanted, available.Count);
        // A partial Fisher–Yates shuffle seeded by (seed, round): reproducible selections, across
        // processes too (so not HashCode.Combine, which .NET randomises per process).
        var pool = available.ToArray();
        var random = new Random(unchecked(Federation.Seed * 1_000_003 + (int)round * 7_919));
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..count];
    }

    public TrainingConfig ConfigureFit(long round, string clientId, int clientIndex) =>
        // Distinct, reproducible seeds per (round, client slot) so clients do not shuffle alike.
        Federation.Training.ToConfig(seed: (long)Federation.Seed * 1_000_003 + round * 1_009 + clientIndex);

    public abstract IAggregator CreateAggregator(ParameterBuffer global);

    /// <summary>Stateless by default.</summary>
    public virtual byte[]? SaveState() => null;

    /// <summary>Stateless by default: accepts only an empty state.</summary>
    public virtual void LoadState(ReadOnlySpan<byte> state)
    {
        if (!state.IsEmpty)
            throw new ArgumentException($"{Name} keeps no state between rounds, yet {state.Length} bytes of state were given.", nameof(state));
    }
}
