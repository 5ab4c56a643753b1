using System.Globalization;
using System.Text.Json;
using Federated.Simulations.Reporting;
using Federated.Tests.Data;

namespace Federated.Tests.Simulations.Reporting;

public sealed class MetricsWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Append_EachRound_FilesHoldTheRoundsSoFar()
    {
        var writer = new MetricsWriter(Path.Combine(_temp.Path, "run"));
        var rounds = Rounds.Climbing();

        writer.Append(rounds[0]);
        writer.Append(rounds[1]);

        // What a crash right now would leave on disk: two complete rounds in both files.
        Assert.Equal(rounds.Take(2), MetricsWriter.ReadRoundsCsv(writer.RoundsCsvPath));
        Assert.Equal(rounds.Take(2), MetricsWriter.ReadRoundsJson(writer.RoundsJsonPath));
        Assert.False(File.Exists(writer.RoundsJsonPath + ".tmp"));
    }

    [Fact]
    public void RoundsCsv_HeaderAndInvariantRows()
    {
        var writer = new MetricsWriter(_temp.Path);
        var round = Rounds.Make(3, 0.8125, loss: 0.5, wall: 12.5, training: 10) with { Completed = false, EvaluationSeconds = 0.5, Epsilon = 1.25 };

        writer.Append(round);

        string[] lines = File.ReadAllLines(writer.RoundsCsvPath);
        Assert.Equal(
            "round,accuracy,loss,selected,participants,failures,bytes_sent,bytes_received,wall_seconds,training_seconds,evaluation_seconds,overhead_seconds,completed,epsilon",
            lines[0]);
        Assert.Equal("3,0.8125,0.5,10,9,1,3000,2700,12.5,10,0.5,2,false,1.25", lines[1]);
    }

    [Fact]
    public void RoundTrip_ExactDoublesAndNaN_ReadBackEqual()
    {
        var writer = new MetricsWriter(_temp.Path);
        RoundReport[] rounds = [Rounds.Make(1, 0.1 + 0.2, loss: Math.PI), Rounds.Make(2, 1.0 / 3, loss: double.NaN)];

        foreach (var round in rounds) writer.Append(round);

        Assert.Equal(rounds, MetricsWriter.ReadRoundsCsv(writer.RoundsCsvPath));
        Assert.Equal(rounds, MetricsWriter.ReadRoundsJson(writer.RoundsJsonPath));
    }

    [Fact]
    public void RoundsJson_IsACamelCaseArray()
    {
        var writer = new MetricsWriter(_temp.Path);
        writer.Append(Rounds.Make(1, 0.5));

        using var json = JsonDocument.Parse(File.ReadAllText(writer.RoundsJsonPath));

        var row = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(0.5, row.GetProperty("accuracy").GetDouble());
        Assert.Equal(1000, row.GetProperty("bytesSent").GetInt64());
        Assert.Equal(2, row.GetProperty("overheadSeconds").GetDouble());
    }

    [Fact]
    public void NewWriter_StartsEmptyFiles()
    {
        var writer = new MetricsWriter(_temp.Path);

        Assert.Empty(MetricsWriter.ReadRoundsCsv(writer.RoundsCsvPath));
        Assert.Empty(MetricsWriter.ReadRoundsJson(writer.RoundsJsonPath));
    }

    [Fact]
    public void WriteSummary_WritesJsonAndText()
    {
        var writer = new MetricsWriter(_temp.Path);
        var rounds = Rounds.Climbing();
        foreach (var round in rounds) writer.Append(round);

        var summary = writer.WriteSummary(Rounds.Result(rounds, _temp.Path));

        using var json = JsonDocument.Parse(File.ReadAllText(writer.SummaryJsonPath));
        Assert.Equal(0.83, json.RootElement.GetProperty("finalAccuracy").GetDouble());
        Assert.Equal(5, json.RootElement.GetProperty("bestRound").GetInt64());
        var milestones = json.RootElement.GetProperty("roundsToAccuracy").EnumerateArray().ToArray();
        Assert.Equal(2, milestones[0].GetProperty("round").GetInt64());
        Assert.Equal(JsonValueKind.Null, milestones[2].GetProperty("round").ValueKind);
        Assert.Equal(summary.TotalBytes, json.RootElement.GetProperty("totalBytes").GetInt64());

        string text = File.ReadAllText(writer.SummaryTextPath);
        Assert.Contains("Final accuracy        83.00%", text, StringComparison.Ordinal);
        Assert.Contains("Rounds to 85%         not reached", text, StringComparison.Ordinal);
        Assert.Contains("Rounds to 70%         2", text, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Total bytes           {summary.TotalBytes / 1024.0:F1} KiB"), text, StringComparison.Ordinal);
    }
}
