using Federated.Simulations.Reporting;
using Federated.Simulations.Scenarios;

namespace Federated.Simulations.Engine;

/// <summary>Runs a whole simulated federation for a scenario, telling an observer as it goes.</summary>
public interface ISimulationEngine
{
    Task<SimulationResult> RunAsync(SimulationScenario scenario, ISimulationObserver observer, CancellationToken ct = default);
}
