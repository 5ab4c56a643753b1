using Federated.Simulations.Reporting;

namespace Federated.Tests.Simulations.Reporting;

public sealed class RunSummaryTests
{
    [Fact]
    public void From_ClimbingRun_FinalBestAndMilestones()
    {
        var summary = RunSummary.From(Rounds.Result(Rounds.Climbing(), "out"));

        Assert.Equal(0.83, summary.FinalAccuracy);
        Assert.Equal(0.5, summary.FinalLoss);
        Assert.Equal(0.83, summary.BestAccuracy);
        Assert.Equal(5, summary.BestRound);
        Assert.Equal([0.70, 0.80, 0.85], summary.RoundsToAccuracy.Select(m => m.Accuracy));
        Assert.Equal([2L, 3L, null], summary.RoundsToAccuracy.Select(m => m.Round));
        Assert.Equal(5, summary.Rounds);
        Assert.Equal(5, summary.CompletedRounds);
    }

    [Fact]
    public void From_BestBeforeLast_ReportsTheBestRound()
    {
        var summary = RunSummary.From(Rounds.Result([Rounds.Make(1, 0.6), Rounds.Make(2, 0.9), Rounds.Make(3, 0.7)], "out"));

        Assert.Equal(0.9, summary.BestAccuracy);
        Assert.Equal(2, summary.BestRound);
        Assert.Equal(0.7, summary.FinalAccuracy);
        Assert.Equal([2L, 2L, 2L], summary.RoundsToAccuracy.Select(m => m.Round));
    }

    [Fact]
    public void From_TotalsAndOverheadShare()
    {
        var rounds = Rounds.Climbing();
        var summary = RunSummary.From(Rounds.Result(rounds, "out"));

        // Walls 10+10+20+10+10 = 60; training 8+8+12+8+8 = 44; overhead 16.
        Assert.Equal(16.0 / 60.0, summary.MeanOverheadShare, 12);
        Assert.Equal(63, summary.TotalWallSeconds);
        Assert.Equal(15000, summary.TotalBytesSent);
        Assert.Equal(13500, summary.TotalBytesReceived);
        Assert.Equal(28500, summary.TotalBytes);
    }

    [Fact]
    public void From_NoRounds_HasNoAccuracyAndNothingReached()
    {
        var summary = RunSummary.From(Rounds.Result([], "out"));

        Assert.Null(summary.FinalAccuracy);
        Assert.Null(summary.BestRound);
        Assert.All(summary.RoundsToAccuracy, m => Assert.Null(m.Round));
        Assert.Equal(0, summary.MeanOverheadShare);
        Assert.Contains("not reached", summary.ToText(), StringComparison.Ordinal);
    }
}
