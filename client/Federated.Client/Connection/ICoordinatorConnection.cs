using Federated.Protocol;

namespace Federated.Client.Connection;

/// <summary>
/// The client's line to a coordinator. It always dials out; the coordinator never connects to
/// it. Messages are the shared wire types, so gRPC and MQTT transports carry the same content.
/// Transient failures surface as <see cref="Grpc.Core.RpcException"/>; the task loop retries.
/// </summary>
public interface ICoordinatorConnection : IAsyncDisposable
{
    /// <summary>Where the coordinator is, for messages.</summary>
    string Address { get; }

    Task<JoinReply> JoinAsync(JoinRequest request, CancellationToken cancellationToken);

    Task<PullTaskReply> PullTaskAsync(PullTaskRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the model's bytes, encoded with <paramref name="codec"/>, from <paramref name="offset"/>
    /// into <paramref name="destination"/>; returns the encoded model's total size.
    /// </summary>
    Task<long> DownloadModelAsync(string clientId, string modelHash, Codec codec, long offset, Stream destination, CancellationToken cancellationToken);

    /// <summary>Sends the header, then the payload in chunks of at most <paramref name="chunkBytes"/>.</summary>
    Task<UploadReply> UploadResultAsync(ResultHeader header, ReadOnlyMemory<byte> payload, int chunkBytes, CancellationToken cancellationToken);

    /// <summary>
    /// One secure-aggregation step: the header, then the phase message in chunks of at most
    /// <paramref name="chunkBytes"/>. The reply comes once the coordinator closed the phase.
    /// </summary>
    Task<SecureStepReply> SecureAggregationStepAsync(SecureStepHeader header, ReadOnlyMemory<byte> message, int chunkBytes, CancellationToken cancellationToken);

    Task<HeartbeatReply> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken);
}
