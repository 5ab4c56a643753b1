namespace Federated.Simulations.Reporting;

/// <summary>What one simulated round produced; one row of the per-round CSV and JSON.</summary>
public sealed record RoundReport
{
    public required long Round { get; init; }

    /// <summary>Central test accuracy of the global model after the round.</summary>
    public required double Accuracy { get; init; }

    public required double Loss { get; init; }

    /// <summary>Clients asked to train.</summary>
    public required int Selected { get; init; }

    /// <summary>Updates folded into the new global model.</summary>
    public required int Participants { get; init; }

    /// <summary>Selected clients whose result did not count: dropped, late, failed or rejected.</summary>
    public required int Failures { get; init; }

    /// <summary>Model bytes the coordinator sent to clients.</summary>
    public required long BytesSent { get; init; }

    /// <summary>Result bytes clients sent to the coordinator.</summary>
    public required long BytesReceived { get; init; }

    public required double WallSeconds { get; init; }

    /// <summary>Wall time during which at least one worker was training.</summary>
    public required double TrainingSeconds { get; init; }

    /// <summary>Wall time of the central evaluation of the new global model (measurement, not framework).</summary>
    public double EvaluationSeconds { get; init; }

    /// <summary>Wall time outside local training and evaluation: coordination, transfer, validation, aggregation, persistence.</summary>
    public double OverheadSeconds => Math.Max(0, WallSeconds - TrainingSeconds - EvaluationSeconds);

    public bool Completed { get; init; } = true;

    /// <summary>ε of the (ε, δ)-DP guarantee spent so far (the coordinator's accountant); NaN without differential privacy.</summary>
    public double Epsilon { get; init; } = double.NaN;
}

/// <summary>A whole simulation run.</summary>
public sealed record SimulationResult(
    string Name,
    string DatasetDescription,
    string PartitionDescription,
    IReadOnlyList<RoundReport> Rounds,
    double TotalWallSeconds,
    string OutputDirectory)
{
    /// <summary>Peak resident memory of the process during the run (Linux VmHWM), in bytes.</summary>
    public long PeakMemoryBytes { get; init; }

    /// <summary>The final global model's file in the run folder, or null when the federation produced none.</summary>
    public string? ModelPath { get; init; }
}
