using Federated.Coordinator.Rounds;
using Federated.Protocol;
using Federated.Shared.Codecs;
using Federated.Shared.Training;
using Google.Protobuf.WellKnownTypes;
using ProtoTaskKind = Federated.Protocol.TaskKind;

namespace Federated.Coordinator.Transport;

/// <summary>Translations between the coordinator's task model and the wire messages, shared by every transport.</summary>
public static class WireMapping
{
    /// <summary>The reply to a task poll.</summary>
    public static PullTaskReply? ToProto(PullOutcome outcome) => outcome switch
    {
        PullOutcome.Assigned assigned => new PullTaskReply { Task = ToProto(assigned.Task) },
        PullOutcome.Idle idle => new PullTaskReply { Idle = new Idle { RetryAfterMs = 0, Reason = idle.Reason } },
        PullOutcome.Finished finished => new PullTaskReply { Finished = new Finished { Reason = finished.Reason, FinalModelHash = finished.FinalModelHash ?? "" } },
        _ => null,
    };
    /// <summary>The answer to a secure-aggregation step.</summary>
    public static SecureStepReply ToProto(SecureStepOutcome outcome) => new()
    {
        Outcome = outcome.Kind switch
        {
            SecureStepKind.Next => SecureStepReply.Types.Outcome.Next,
            SecureStepKind.Aborted => SecureStepReply.Types.Outcome.Aborted,
            _ => SecureStepReply.Types.Outcome.Rejected,
        },
        Payload = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(outcome.Payload),
        Reason = outcome.Reason ?? "",
    };

    /// <summary>The codecs a client declared, keeping only those this build knows.</summary>
    public static IReadOnlyList<CodecKind> FromProto(IEnumerable<Codec> codecs)
    {
        var known = new List<CodecKind>();
        foreach (var codec in codecs)
        {
            if (System.Enum.IsDefined((CodecKind)codec)) known.Add((CodecKind)codec);
        }
        return known;
    }

    /// <summary>A codec as this build knows it, or null for a value it does not.</summary>
    public static CodecKind? FromProto(Codec codec) => System.Enum.IsDefined((CodecKind)codec) ? (CodecKind)codec : null;

    /// <summary>A task as the wire carries it.</summary>
    public static TaskSpec ToProto(TaskAssignment task)
    {
        var spec = new TaskSpec
        {
            TaskId = task.TaskId,
            Round = task.Round,
            Kind = task.Kind == Persistence.TaskKind.Fit ? ProtoTaskKind.Fit : ProtoTaskKind.Evaluate,
            ModelHash = task.ModelHash,
            ModelSizeBytes = task.ModelSizeBytes,
            Architecture = task.Architecture,
            Deadline = Timestamp.FromDateTimeOffset(task.Deadline),
            ModelCodec = (Codec)task.ModelCodec,
            UpdateCodec = (Codec)task.UpdateCodec,
        };
        if (task.SecureAggregation is { } setup) spec.SecureAggregation = Google.Protobuf.ByteString.CopyFrom(setup);
        if (task.ModelSignature is { } signature) spec.ModelSignature = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(signature);
        if (task.Privacy is { } privacy) spec.Privacy = Privacy.PrivacyWire.ToProto(privacy);
        if (task.Training is { } training)
        {
            spec.Train = new TrainConfig
            {
                Epochs = training.Epochs,
                BatchSize = training.BatchSize,
                LearningRate = training.LearningRate,
                Optimizer = training.Optimizer == OptimizerKind.Adam ? Protocol.Optimizer.Adam : Protocol.Optimizer.Sgd,
                Momentum = training.Momentum,
                WeightDecay = training.WeightDecay,
                Seed = training.Seed,
                ProximalMu = training.ProximalMu,
            };
        }
        return spec;
    }
}
