using Federated.Coordinator.Persistence;

namespace Federated.Coordinator.Rounds;

/// <summary>
/// Hooks into the round loop, for whoever needs to act around rounds without changing them:
/// simulations (client availability, simulated time, reports), dashboards, metrics exporters.
/// The orchestrator awaits every registered observer in order.
/// </summary>
public interface IRoundObserver
{
    /// <summary>Called before the orchestrator waits for clients and selects them for <paramref name="round"/>.</summary>
    Task BeforeRoundAsync(long round, CancellationToken cancellationToken);

    /// <summary>Called once the round is finished and evaluated, with its record as persisted.</summary>
    Task RoundFinishedAsync(RoundRecord round, CancellationToken cancellationToken);
}
