using Federated.Shared.Parameters;
using Federated.Shared.Training;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// Decides who trains, how, and how updates become the next global model (after Flower's
/// Strategy: configure_fit / aggregate_fit). Knows nothing about transports.
/// </summary>
public interface IStrategy
{
    string Name { get; }

    /// <summary>Chooses this round's training clients among <paramref name="available"/> (ids in a stable order).</summary>
    IReadOnlyList<string> SelectClients(long round, IReadOnlyList<string> available);

    /// <summary>The local training configuration for one selected client.</summary>
    TrainingConfig ConfigureFit(long round, string clientId, int clientIndex);

    /// <summary>A fresh aggregator that turns updates of <paramref name="global"/> into the next global model.</summary>
    IAggregator CreateAggregator(ParameterBuffer global);
}
