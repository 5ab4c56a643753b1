using Federated.Client.Connection;
using Federated.Protocol;

namespace Federated.Tests.Trust.Signing;

/// <summary>
/// A client connection with a man in the middle: it passes every call through, but may rewrite
/// task replies on their way to the client and results on their way to the coordinator (or send
/// extra ones), as a compromised relay or a replaying attacker would.
/// </summary>
internal sealed class TamperingConnection(ICoordinatorConnection inner) : ICoordinatorConnection
{
    /// <summary>Rewrites a task the client is about to receive.</summary>
    public Action<TaskSpec>? OnTask { get; init; }

    /// <summary>Takes over an upload: given the client's header and payload and a way to send, returns the reply the client sees.</summary>
    public Func<ResultHeader, ReadOnlyMemory<byte>, Func<ResultHeader, ReadOnlyMemory<byte>, Task<UploadReply>>, Task<UploadReply>>? OnUpload { get; init; }

    public string Address => inner.Address;

    /// <summary>Rewrites a join request (e.g. the client id it asks for).</summary>
    public Action<JoinRequest>? OnJoin { get; init; }

    public Task<JoinReply> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        OnJoin?.Invoke(request);
        return inner.JoinAsync(request, cancellationToken);
    }

    public async Task<PullTaskReply> PullTaskAsync(PullTaskRequest request, CancellationToken cancellationToken)
    {
        var reply = await inner.PullTaskAsync(request, cancellationToken);
        if (reply.OutcomeCase == PullTaskReply.OutcomeOneofCase.Task) OnTask?.Invoke(reply.Task);
        return reply;
    }

    public Task<long> DownloadModelAsync(string clientId, string modelHash, Codec codec, long offset, Stream destination, CancellationToken cancellationToken) =>
        inner.DownloadModelAsync(clientId, modelHash, codec, offset, destination, cancellationToken);

    public Task<UploadReply> UploadResultAsync(ResultHeader header, ReadOnlyMemory<byte> payload, int chunkBytes, CancellationToken cancellationToken) =>
        OnUpload is null
            ? inner.UploadResultAsync(header, payload, chunkBytes, cancellationToken)
            : OnUpload(header, payload, (h, p) => inner.UploadResultAsync(h, p, chunkBytes, cancellationToken));

    public Task<SecureStepReply> SecureAggregationStepAsync(SecureStepHeader header, ReadOnlyMemory<byte> message, int chunkBytes, CancellationToken cancellationToken) =>
        inner.SecureAggregationStepAsync(header, message, chunkBytes, cancellationToken);

    public Task<HeartbeatReply> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) => inner.HeartbeatAsync(request, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
