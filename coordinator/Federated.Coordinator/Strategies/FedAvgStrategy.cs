using Federated.Coordinator.Options;
using Federated.Shared.Parameters;
using Federated.Shared.Training;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// FedAvg: a seeded random sample of clients per round (McMahan et al.'s C-fraction), the same
/// local training settings for all, updates averaged by example count.
/// </summary>
public sealed class FedAvgStrategy(IOptions<FederationOptions> options) : IStrategy
{
    private readonly FederationOptions _options = options.Value;

    public string Name => "FedAvg";

    public IReadOnlyList<string> SelectClients(long round, IReadOnlyList<string> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        int wanted = Math.Max(_options.ClientsPerRound, (int)Math.Ceiling(_options.FractionPerRound * available.Count));
        int count = Math.Min(wanted, available.Count);
        // A partial Fisher–Yates shuffle seeded by (seed, round): reproducible selections, across
        // processes too (so not HashCode.Combine, which .NET randomises per process).
        var pool = available.ToArray();
        var random = new Random(unchecked(_options.Seed * 1_000_003 + (int)round * 7_919));
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..count];
    }

    public TrainingConfig ConfigureFit(long round, string clientId, int clientIndex) =>
        // Distinct, reproducible seeds per (round, client slot) so clients do not shuffle alike.
        _options.Training.ToConfig(seed: (long)_options.Seed * 1_000_003 + round * 1_009 + clientIndex);

    public IAggregator CreateAggregator(ParameterBuffer global) => new FedAvgAggregator(global);
}
