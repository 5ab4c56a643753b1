using Federated.Coordinator.Persistence;
using Federated.Shared.Codecs;
using Federated.Shared.Training;

namespace Federated.Coordinator.Rounds;

/// <summary>A task as handed to a client, independent of the transport that carries it.</summary>
/// <param name="SecureAggregation">The client's secure-aggregation setup (wire format) when the round aggregates securely.</param>
public sealed record TaskAssignment(
    string TaskId,
    long Round,
    TaskKind Kind,
    string ModelHash,
    long ModelSizeBytes,
    string Architecture,
    TrainingConfig? Training,
    DateTimeOffset Deadline,
    CodecKind ModelCodec = CodecKind.Fp32,
    CodecKind UpdateCodec = CodecKind.Fp32,
    byte[]? SecureAggregation = null)
{
    /// <summary>The coordinator's CMS signature over the model statement (set when the task is handed out; null when unsigned).</summary>
    public byte[]? ModelSignature { get; init; }
    /// <summary>The differential privacy the task asks of the client, or null for none.</summary>
    public Privacy.TaskPrivacy? Privacy { get; init; }
}
