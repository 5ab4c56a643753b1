using Federated.Simulations.Reporting;
using Federated.Simulations.Scenarios;

namespace Federated.Simulations.Engine;

/// <summary>Placeholder so the CLI compiles before the engine lands.</summary>
public sealed class SimulationEngine : ISimulationEngine
{
    // replaced by the engine merge
    public Task<SimulationResult> RunAsync(SimulationScenario scenario, ISimulationObserver observer, CancellationToken ct = default) =>
        throw new NotImplementedException("The simulation engine is not merged yet.");
}
