using Federated.Simulations.Engine;

namespace Federated.Simulations.Reporting;

/// <summary>
/// The observer a command-line run uses: metrics files after every round, progress on the console,
/// and at the end the plot, the summary files and the summary on the console.
/// </summary>
public sealed class ReportingObserver : ISimulationObserver, IDisposable
{
    public const string PlotFile = "accuracy-loss.png";

    private readonly ProgressReporter _progress;
    private readonly Lock _lock = new();
    private MetricsWriter? _metrics;

    /// <summary>Reports through <paramref name="progress"/>, which this observer then owns and disposes.</summary>
    public ReportingObserver(ProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _progress = progress;
    }

    /// <summary>This run's folder, known once <see cref="Started"/> was called.</summary>
    public string? OutputDirectory => _metrics?.Directory;

    public void Started(string datasetDescription, string partitionDescription, string labelSummary, int totalRounds, string outputDirectory)
    {
        lock (_lock)
        {
            _metrics = new MetricsWriter(outputDirectory);
            _progress.WriteLine($"Dataset    {datasetDescription}");
            _progress.WriteLine($"Partition  {partitionDescription}");
            if (!string.IsNullOrWhiteSpace(labelSummary)) _progress.WriteLine($"Labels     {labelSummary}");
            _progress.WriteLine($"Output     {_metrics.Directory}");
            _progress.Start(totalRounds);
        }
    }

    public void RoundFinished(RoundReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_lock)
        {
            (_metrics ?? throw new InvalidOperationException($"{nameof(RoundFinished)} before {nameof(Started)}.")).Append(report);
            _progress.Report(report);
        }
    }

    /// <summary>Ends the progress display, writes plot and summary files, prints the summary; returns it.</summary>
    public RunSummary Complete(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_lock)
        {
            _progress.Complete(result);
            if (_metrics is null)
            {
                // The engine never said it started: still leave the files of whatever it returned.
                _metrics = new MetricsWriter(result.OutputDirectory);
                foreach (var round in result.Rounds) _metrics.Append(round);
            }
            var summary = _metrics.WriteSummary(result);
            string plot = Path.Combine(_metrics.Directory, PlotFile);
            // With differential privacy the plot says what the accuracy cost: ε after the last round.
            string privacy = summary.FinalEpsilon is { } epsilon ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $", ε = {epsilon:0.##}") : "";
            PlotWriter.Write(result.Rounds, plot, $"{result.Name}: {result.DatasetDescription}, {result.PartitionDescription}{privacy}");
            _progress.WriteLine("");
            _progress.WriteLine(summary.ToText().TrimEnd('\n'));
            _progress.WriteLine($"Plot                  {plot}");
            _progress.WriteLine($"Metrics               {_metrics.RoundsCsvPath}");
            if (result.ModelPath is not null) _progress.WriteLine($"Model                 {result.ModelPath}");
            return summary;
        }
    }

    public void Dispose() => _progress.Dispose();
}
