using Federated.Simulations.Reporting;
using Federated.Simulations.Scenarios;

namespace Federated.Simulations.Engine;

/// <summary>Runs a simulated federation described by a scenario.</summary>
public interface ISimulationEngine
{
    Task<SimulationResult> RunAsync(SimulationScenario scenario, ISimulationObserver observer, CancellationToken ct);
}
