using Federated.Client.Connection;
using Federated.Protocol;
using Grpc.Core;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>Passes every call through to a device's real connection and counts joins, uploads and failures in <see cref="FleetCounters"/>.</summary>
internal sealed class CountingConnection(ICoordinatorConnection inner, FleetCounters counters) : ICoordinatorConnection
{
    private int _joined;

    public string Address => inner.Address;

    public Task<JoinReply> JoinAsync(JoinRequest request, CancellationToken cancellationToken) =>
        CountAsync("Join", async () =>
        {
            var reply = await inner.JoinAsync(request, cancellationToken).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _joined, 1) == 0) counters.CountJoin();
            return reply;
        });

    public Task<PullTaskReply> PullTaskAsync(PullTaskRequest request, CancellationToken cancellationToken) =>
        CountAsync("PullTask", () => inner.PullTaskAsync(request, cancellationToken));

    public Task<long> DownloadModelAsync(string clientId, string modelHash, Codec codec, long offset, Stream destination, CancellationToken cancellationToken) =>
        CountAsync("DownloadModel", () => inner.DownloadModelAsync(clientId, modelHash, codec, offset, destination, cancellationToken));

    public Task<UploadReply> UploadResultAsync(ResultHeader header, ReadOnlyMemory<byte> payload, int chunkBytes, CancellationToken cancellationToken) =>
        CountAsync("UploadResult", async () =>
        {
            ArgumentNullException.ThrowIfNull(header);
            var reply = await inner.UploadResultAsync(header, payload, chunkBytes, cancellationToken).ConfigureAwait(false);
            // A device's report that it could not do the task is accepted too, but is no update.
            if (header.Error.Length == 0) counters.CountUpload(reply.Accepted);
            return reply;
        });

    public Task<SecureStepReply> SecureAggregationStepAsync(SecureStepHeader header, ReadOnlyMemory<byte> message, int chunkBytes, CancellationToken cancellationToken) =>
        CountAsync("SecureStep", () => inner.SecureAggregationStepAsync(header, message, chunkBytes, cancellationToken));

    public Task<HeartbeatReply> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        CountAsync("Heartbeat", () => inner.HeartbeatAsync(request, cancellationToken));

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task<T> CountAsync<T>(string name, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            counters.CountFailedCall(name, e.StatusCode);
            throw;
        }
    }
}
