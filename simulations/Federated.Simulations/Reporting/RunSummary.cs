namespace Federated.Simulations.Reporting;

/// <summary>The headline numbers of a run, as written to <c>summary.json</c> and <c>summary.txt</c>.</summary>
public sealed record RunSummary
{
    /// <summary>Accuracy levels whose first round the summary reports.</summary>
    public static IReadOnlyList<double> Milestones { get; } = [0.70, 0.80, 0.85];

    public required string Name { get; init; }

    public required string Dataset { get; init; }

    public required string Partition { get; init; }

    public required int Rounds { get; init; }

    public required int CompletedRounds { get; init; }

    /// <summary>Accuracy after the last round; null when no round ran.</summary>
    public double? FinalAccuracy { get; init; }

    public double? FinalLoss { get; init; }

    public double? BestAccuracy { get; init; }

    public long? BestRound { get; init; }

    /// <summary>The first round that reached each of <see cref="Milestones"/>; <c>Round</c> null when never reached.</summary>
    public required IReadOnlyList<AccuracyMilestone> RoundsToAccuracy { get; init; }

    public required double TotalWallSeconds { get; init; }

    /// <summary>Σ overhead seconds / Σ wall seconds over the rounds: the share of time spent neither training nor evaluating.</summary>
    public required double MeanOverheadShare { get; init; }

    public required long TotalBytesSent { get; init; }

    public required long TotalBytesReceived { get; init; }

    public long TotalBytes => TotalBytesSent + TotalBytesReceived;

    /// <summary>ε spent after the last round (differential privacy); null without it.</summary>
    public double? FinalEpsilon { get; init; }

    /// <summary>Peak resident memory of the simulation process (0 when not measured).</summary>
    public long PeakMemoryBytes { get; init; }

    public required string OutputDirectory { get; init; }

    public static RunSummary From(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rounds = result.Rounds;
        RoundReport? best = rounds.Where(r => !double.IsNaN(r.Accuracy)).MaxBy(r => r.Accuracy);
        double wall = rounds.Sum(r => r.WallSeconds);
        double overhead = rounds.Sum(r => r.OverheadSeconds);
        return new RunSummary
        {
            Name = result.Name,
            Dataset = result.DatasetDescription,
            Partition = result.PartitionDescription,
            Rounds = rounds.Count,
            CompletedRounds = rounds.Count(r => r.Completed),
            FinalAccuracy = rounds.Count > 0 ? rounds[^1].Accuracy : null,
            FinalLoss = rounds.Count > 0 ? rounds[^1].Loss : null,
            BestAccuracy = best?.Accuracy,
            BestRound = best?.Round,
            RoundsToAccuracy = [.. Milestones.Select(m => new AccuracyMilestone(m, rounds.FirstOrDefault(r => r.Accuracy >= m)?.Round))],
            TotalWallSeconds = result.TotalWallSeconds,
            MeanOverheadShare = wall > 0 ? overhead / wall : 0,
            TotalBytesSent = rounds.Sum(r => r.BytesSent),
            TotalBytesReceived = rounds.Sum(r => r.BytesReceived),
            FinalEpsilon = rounds.Count > 0 && !double.IsNaN(rounds[^1].Epsilon) ? rounds[^1].Epsilon : null,
            PeakMemoryBytes = result.PeakMemoryBytes,
            OutputDirectory = result.OutputDirectory,
        };
    }

    /// <summary>The summary as aligned text lines.</summary>
    public string ToText() => SummaryText.Format(this);
}

/// <summary>The first round whose accuracy reached <paramref name="Accuracy"/>, or null.</summary>
public sealed record AccuracyMilestone(double Accuracy, long? Round);
