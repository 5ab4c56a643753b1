using Federated.Coordinator.Options;
using Federated.Shared.Parameters;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// A Byzantine-robust strategy (median, trimmed mean, Krum, Multi-Krum, Bulyan): selects and configures
/// clients like FedAvg, but keeps every update of a round and aggregates them with a robust rule.
/// Stateless between rounds. Its aggregators are <see cref="IDisposable"/>: they hold the round's updates
/// (and perhaps a temporary file) until finished or disposed. Build one with <see cref="StrategyFactory"/>.
/// </summary>
public sealed class RobustStrategy : StrategyBase
{
    private readonly IRobustRule _rule;

    internal RobustStrategy(FederationOptions federation, string name, IRobustRule rule, long spillThresholdBytes)
        : base(federation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spillThresholdBytes);
        Name = name;
        _rule = rule;
        SpillThresholdBytes = spillThresholdBytes;
    }

    public override string Name { get; }

    public override bool NeedsAllUpdates => true;

    /// <summary>Bytes of updates held in memory before further ones go to a temporary file.</summary>
    public long SpillThresholdBytes { get; }

    /// <summary>Where spilled updates go; the system temporary folder when null.</summary>
    public string? SpillDirectory { get; init; }

    /// <summary>Fewest updates a round needs for this rule.</summary>
    public int MinimumUpdates => _rule.MinimumUpdates;

    public override IAggregator CreateAggregator(ParameterBuffer global)
    {
        ArgumentNullException.ThrowIfNull(global);
        return new RobustAggregator(global, Name, _rule, SpillThresholdBytes, SpillDirectory);
    }
}
