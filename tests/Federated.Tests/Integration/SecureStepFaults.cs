using Federated.Client.Connection;
using Federated.Protocol;

namespace Federated.Tests.Integration;

/// <summary>
/// A real gRPC connection that misbehaves in secure-aggregation steps: it loses the connection
/// for good before one phase (the client gives the task up), or alters one phase's message.
/// </summary>
internal sealed class SecureStepFaults(ICoordinatorConnection inner, SecurePhase phase, bool drop, Func<byte[], byte[]>? tamper = null) : ICoordinatorConnection
{
    public string Address => inner.Address;

    public Task<JoinReply> JoinAsync(JoinRequest request, CancellationToken cancellationToken) => inner.JoinAsync(request, cancellationToken);

    public Task<PullTaskReply> PullTaskAsync(PullTaskRequest request, CancellationToken cancellationToken) => inner.PullTaskAsync(request, cancellationToken);

    public Task<long> DownloadModelAsync(string clientId, string modelHash, Codec codec, long offset, Stream destination, CancellationToken cancellationToken) =>
        inner.DownloadModelAsync(clientId, modelHash, codec, offset, destination, cancellationToken);

    public Task<UploadReply> UploadResultAsync(ResultHeader header, ReadOnlyMemory<byte> payload, int chunkBytes, CancellationToken cancellationToken) =>
        inner.UploadResultAsync(header, payload, chunkBytes, cancellationToken);

    public Task<SecureStepReply> SecureAggregationStepAsync(SecureStepHeader header, ReadOnlyMemory<byte> message, int chunkBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Phase != phase) return inner.SecureAggregationStepAsync(header, message, chunkBytes, cancellationToken);
        if (drop) throw new OperationCanceledException($"connection lost before {phase} (test)");
        byte[] altered = tamper!(message.ToArray());
        var forged = header.Clone();
        forged.PayloadBytes = altered.Length;
        return inner.SecureAggregationStepAsync(forged, altered, chunkBytes, cancellationToken);
    }

    public Task<HeartbeatReply> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) => inner.HeartbeatAsync(request, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
