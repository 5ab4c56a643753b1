using Federated.Coordinator.Options;
using Federated.Shared.Parameters;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// FedAvg: a seeded random sample of clients per round (McMahan et al.'s C-fraction), the same
/// local training settings for all, updates averaged by example count.
/// </summary>
public sealed class FedAvgStrategy(IOptions<FederationOptions> options) : StrategyBase(options.Value)
{
    public override string Name => "FedAvg";

    public override IAggregator CreateAggregator(ParameterBuffer global) => new FedAvgAggregator(global);
}
