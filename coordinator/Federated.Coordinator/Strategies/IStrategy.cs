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

    /// <summary>
    /// True when the strategy's aggregators keep every accepted update until <see cref="IAggregator.Finish"/>
    /// (robust rules such as the median or Krum); false when they fold updates in as they arrive in O(model) memory.
    /// </summary>
    bool NeedsAllUpdates { get; }

    /// <summary>Chooses this round's training clients among <paramref name="available"/> (ids in a stable order).</summary>
    IReadOnlyList<string> SelectClients(long round, IReadOnlyList<string> available);

    /// <summary>The local training configuration for one selected client.</summary>
    TrainingConfig ConfigureFit(long round, string clientId, int clientIndex);

    /// <summary>A fresh aggregator that turns updates of <paramref name="global"/> into the next global model.</summary>
    IAggregator CreateAggregator(ParameterBuffer global);

    /// <summary>
    /// The state the strategy carries from round to round (a server optimizer's moments), to persist next to
    /// the global model; null when it has none (stateless strategies, or no round finished yet).
    /// The format is the strategy's own; see <see cref="MomentStateFormat"/> for the server optimizers.
    /// </summary>
    byte[]? SaveState();

    /// <summary>
    /// Restores what <see cref="SaveState"/> returned. An empty span resets the strategy to its initial state.
    /// Throws <see cref="ArgumentException"/> when the bytes are not a state of this strategy (wrong version,
    /// algorithm or size).
    /// </summary>
    void LoadState(ReadOnlySpan<byte> state);
}
