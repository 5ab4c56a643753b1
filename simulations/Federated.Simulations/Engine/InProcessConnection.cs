using Federated.Client.Connection;
using Federated.Coordinator.Transport;
using Federated.Protocol;
using Grpc.Core;

namespace Federated.Simulations.Engine;

/// <summary>
/// The in-process channel: a client's calls go straight to the coordinator's <see cref="ClientGateway"/>,
/// the same object the gRPC service translates to, so simulations run the production code paths
/// minus sockets and serialization. Errors surface as the same <see cref="RpcException"/>s gRPC gives.
/// </summary>
internal sealed class InProcessConnection(ClientGateway gateway) : ICoordinatorConnection
{
    public string Address => "in-process";

    public async Task<JoinReply> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        string clientId = await gateway.JoinAsync(request.ClientId, request.Name, cancellationToken, WireMapping.FromProto(request.Codecs)).ConfigureAwait(false);
        return new JoinReply { ClientId = clientId, MaxChunkBytes = gateway.ChunkBytes, HeartbeatIntervalMs = 10_000 };
    }

    public async Task<PullTaskReply> PullTaskAsync(PullTaskRequest request, CancellationToken cancellationToken)
    {
        var outcome = await gateway.PullAsync(request.ClientId, TimeSpan.FromMilliseconds(request.WaitMs), cancellationToken).ConfigureAwait(false);
        return WireMapping.ToProto(outcome) ?? throw UnknownClient(request.ClientId);
    }

    public async Task<long> DownloadModelAsync(string clientId, string modelHash, Codec codec, long offset, Stream destination, CancellationToken cancellationToken)
    {
        if (!gateway.Heartbeat(clientId)) throw UnknownClient(clientId);
        var kind = WireMapping.FromProto(codec) ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"Unknown codec {codec}."));
        byte[] model = await gateway.GetModelAsync(modelHash, cancellationToken, kind, offset).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No model with content hash '{modelHash}'."));
        await destination.WriteAsync(model.AsMemory((int)offset), cancellationToken).ConfigureAwait(false);
        return model.Length;
    }

    public async Task<UploadReply> UploadResultAsync(ResultHeader header, ReadOnlyMemory<byte> payload, int chunkBytes, CancellationToken cancellationToken)
    {
        var metrics = new Dictionary<string, double>(header.Metrics, StringComparer.Ordinal);
        var outcome = await gateway.SubmitAsync(
            new ResultSubmission(header.ClientId, header.TaskId, header.ExampleCount, metrics, payload, header.Error.Length > 0 ? header.Error : null,
                WireMapping.FromProto(header.Codec) ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"Unknown codec {header.Codec}.")))
            { Signature = header.Signature.Memory, PolicyRefusal = header.PolicyRefusal },
            cancellationToken).ConfigureAwait(false);
        return new UploadReply { Accepted = outcome.Accepted, Reason = outcome.Reason ?? "" };
    }

    public async Task<SecureStepReply> SecureAggregationStepAsync(SecureStepHeader header, ReadOnlyMemory<byte> message, int chunkBytes, CancellationToken cancellationToken)
    {
        var outcome = await gateway.SecureStepAsync(header.ClientId, header.TaskId, (int)header.Phase, message, cancellationToken).ConfigureAwait(false);
        return WireMapping.ToProto(outcome);
    }

    public Task<HeartbeatReply> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new HeartbeatReply { Known = gateway.Heartbeat(request.ClientId) });

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static RpcException UnknownClient(string clientId) =>
        new(new Status(StatusCode.NotFound, $"Unknown client id '{clientId}': join again."));
}
