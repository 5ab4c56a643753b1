using Federated.Simulations.Reporting;
using Federated.Tests.Data;
using SkiaSharp;

namespace Federated.Tests.Simulations.Reporting;

public sealed class ReportingObserverTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WholeRun_WritesMetricsPlotAndSummary_AndPrintsThem()
    {
        string run = Path.Combine(_temp.Path, "unit-run");
        using var output = new StringWriter();
        using var observer = new ReportingObserver(new ProgressReporter(output));
        var rounds = Rounds.Climbing();

        observer.Started("fashion-mnist", "dirichlet(0.5)", "client 0: 3 labels", rounds.Count, run);
        observer.RoundFinished(rounds[0]);
        observer.RoundFinished(rounds[1]);
        Assert.Equal(2, MetricsWriter.ReadRoundsCsv(Path.Combine(run, MetricsWriter.RoundsCsvFile)).Count);
        foreach (var round in rounds.Skip(2)) observer.RoundFinished(round);
        var summary = observer.Complete(Rounds.Result(rounds, run));

        Assert.Equal(rounds, MetricsWriter.ReadRoundsJson(Path.Combine(run, MetricsWriter.RoundsJsonFile)));
        Assert.Equal(summary.ToText(), File.ReadAllText(Path.Combine(run, MetricsWriter.SummaryTextFile)));
        using var plot = SKBitmap.Decode(Path.Combine(run, ReportingObserver.PlotFile));
        Assert.Equal(PlotWriter.DefaultWidth, plot.Width);
        string printed = output.ToString();
        Assert.Contains("Partition  dirichlet(0.5)", printed, StringComparison.Ordinal);
        Assert.Contains("Round 5/5", printed, StringComparison.Ordinal);
        Assert.Contains("Best accuracy         83.00% (round 5)", printed, StringComparison.Ordinal);
        Assert.Contains(ReportingObserver.PlotFile, printed, StringComparison.Ordinal);
        Assert.Contains(run, printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_WithoutStarted_StillWritesEveryFile()
    {
        string run = Path.Combine(_temp.Path, "late");
        using var observer = new ReportingObserver(new ProgressReporter(TextWriter.Null));

        observer.Complete(Rounds.Result(Rounds.Climbing(), run));

        Assert.Equal(5, MetricsWriter.ReadRoundsCsv(Path.Combine(run, MetricsWriter.RoundsCsvFile)).Count);
        Assert.True(File.Exists(Path.Combine(run, MetricsWriter.SummaryJsonFile)));
        Assert.True(File.Exists(Path.Combine(run, ReportingObserver.PlotFile)));
    }
}
