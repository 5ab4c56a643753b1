using Federated.Coordinator.Options;
using Federated.Shared.Parameters;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// FedAvg: a seeded random sample of clients per round (McMahan et al.'s C-fraction), the same
/// local training settings for all, updates averaged by example count.
/// </summary>
public sealed class FedAvgStrategy(IOptions<FederationOptions> options) : StrategyBase(options.Value), IReusesRetiredModels
{
    // A round's aggregate becomes the next global model (FedAvgAggregator.Finish builds it in place), so
    // the array of the model it replaces is the one to sum the round after into.
    private readonly SpareModelBuffer _spare = new();

    public override string Name => "FedAvg";

    public override IAggregator CreateAggregator(ParameterBuffer global)
    {
        ArgumentNullException.ThrowIfNull(global);
        return new FedAvgAggregator(global, _spare.Take(global.Length));
    }

    void IReusesRetiredModels.Reuse(ParameterBuffer retired)
    {
        ArgumentNullException.ThrowIfNull(retired);
        _spare.Give(retired.Array);
    }
}
