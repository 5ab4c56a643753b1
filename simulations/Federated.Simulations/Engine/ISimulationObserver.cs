using Federated.Simulations.Reporting;

namespace Federated.Simulations.Engine;

/// <summary>Hears about a simulation as it runs (progress display, metrics files).</summary>
public interface ISimulationObserver
{
    void Started(string datasetDescription, string partitionDescription, string labelSummary, int totalRounds, string outputDirectory);

    void RoundFinished(RoundReport report);
}
