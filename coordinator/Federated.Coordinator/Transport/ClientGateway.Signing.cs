using Federated.Coordinator.Rounds;
using Federated.Coordinator.Security;
using Federated.Shared.Codecs;
using Federated.Trust.Statements;

namespace Federated.Coordinator.Transport;

/// <summary>The gateway's trust steps: signing the tasks it hands out, checking and auditing the updates it receives.</summary>
public sealed partial class ClientGateway
{
    /// <summary>The task as the client receives it: with the signature of its model, and recorded in the audit log.</summary>
    private async Task<TaskAssignment> DeliverAsync(ClientSession session, TaskAssignment task, CancellationToken cancellationToken)
    {
        var signed = await signing.SignAsync(task, ct => ServedModelAsync(task.ModelHash, task.ModelCodec, ct), cancellationToken).ConfigureAwait(false);
        audit.TaskAssigned(session.ClientId, signed);
        return signed;
    }

    /// <summary>The bytes a download of the model gets, without counting them as sent.</summary>
    private async Task<byte[]?> ServedModelAsync(string contentHash, CodecKind codec, CancellationToken cancellationToken)
    {
        if (runtime.GetEncodedModel(contentHash, codec) is { } served) return served;
        byte[]? file = await store.GetModelAsync(contentHash.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        return file is null || codec == CodecKind.Fp32 ? file : FederationRuntime.EncodeModelFile(file, contentHash, codec);
    }

    /// <summary>Records the update's digest and returns why its signature is refused, or null.</summary>
    private string? CheckSignature(ResultSubmission result, long round, ClientSession session)
    {
        if (!signing.ChecksUpdates && !audit.Enabled) return null;
        string digest = StatementDigest.Sha256Hex(result.Payload.Span);
        audit.UpdateReceived(result.ClientId, result.TaskId, round, digest, result.Codec.ToString(), !result.Signature.IsEmpty);
        return signing.CheckUpdate(result, round, digest, session.Certificate);
    }
}
