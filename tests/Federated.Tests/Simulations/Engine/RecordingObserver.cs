using Federated.Simulations.Engine;
using Federated.Simulations.Reporting;

namespace Federated.Tests.Simulations.Engine;

/// <summary>Keeps what a simulation reports, for assertions.</summary>
internal sealed class RecordingObserver : ISimulationObserver
{
    public List<RoundReport> Rounds { get; } = [];

    public string DatasetDescription { get; private set; } = "";

    public string LabelSummary { get; private set; } = "";

    public void Started(string datasetDescription, string partitionDescription, string labelSummary, int totalRounds, string outputDirectory)
    {
        DatasetDescription = datasetDescription;
        LabelSummary = labelSummary;
    }

    public void RoundFinished(RoundReport report) => Rounds.Add(report);
}
