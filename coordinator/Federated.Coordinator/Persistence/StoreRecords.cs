namespace Federated.Coordinator.Persistence;

/// <summary>A client the coordinator has seen.</summary>
public sealed record ClientRecord(string ClientId, string Name, DateTimeOffset JoinedAt, DateTimeOffset LastSeenAt);

public enum RoundStatus
{
    Running,
    Completed,
    /// <summary>Too few results arrived before the deadline; the global model did not change.</summary>
    Failed,
}

/// <summary>One training round: the model it started from and, once finished, the model it produced.</summary>
public sealed record RoundRecord(
    long Round,
    RoundStatus Status,
    string InputModelHash,
    string? OutputModelHash,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? FailureReason,
    IReadOnlyDictionary<string, double> Metrics);

public enum TaskKind
{
    Fit,
    Evaluate,
}

public enum TaskStatus
{
    Issued,
    Completed,
    Rejected,
    /// <summary>The round's deadline passed before the client answered.</summary>
    TimedOut,
    /// <summary>The client reported that it could not do the task.</summary>
    Failed,
}

/// <summary>A task handed to one client in one round.</summary>
public sealed record TaskRecord(
    string TaskId,
    long Round,
    string ClientId,
    TaskKind Kind,
    string ModelHash,
    DateTimeOffset IssuedAt,
    DateTimeOffset Deadline,
    TaskStatus Status,
    DateTimeOffset? FinishedAt,
    string? Reason);

/// <summary>Metadata of an accepted result (the update itself is folded into the aggregate, not stored).</summary>
public sealed record ResultRecord(
    string TaskId,
    long Round,
    string ClientId,
    TaskKind Kind,
    long ExampleCount,
    DateTimeOffset ReceivedAt,
    IReadOnlyDictionary<string, double> Metrics);

/// <summary>A result the coordinator refused, and why. Task and round are null when the result named no task it knows.</summary>
public sealed record RejectionRecord(
    string? TaskId,
    long? Round,
    string ClientId,
    string Reason,
    DateTimeOffset RejectedAt);
