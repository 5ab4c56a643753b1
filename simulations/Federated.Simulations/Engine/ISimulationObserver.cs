using Federated.Simulations.Reporting;

namespace Federated.Simulations.Engine;

/// <summary>What an engine tells while it runs: once when data and clients are ready, then after every round.</summary>
public interface ISimulationObserver
{
    /// <summary>Data loaded and partitioned; <paramref name="outputDirectory"/> is this run's own folder.</summary>
    void Started(string datasetDescription, string partitionDescription, string labelSummary, int totalRounds, string outputDirectory);

    /// <summary>One round finished (aggregated, evaluated); may be called from any thread, one round at a time.</summary>
    void RoundFinished(RoundReport report);
}
