using Federated.Protocol;
using Federated.Trust.Tls;
using Google.Protobuf;
using Grpc.Net.Client;

namespace Federated.Client.Connection;

/// <summary>
/// A coordinator reached over gRPC (HTTP/2): mutual TLS for <c>https://</c> addresses with
/// <see cref="FederationTls"/>, plain text for <c>http://</c> addresses (local development only).
/// </summary>
public sealed class GrpcCoordinatorConnection : ICoordinatorConnection
{
    private readonly GrpcChannel _channel;
    private readonly bool _ownsChannel;
    private readonly Protocol.Coordinator.CoordinatorClient _client;

    /// <param name="tls">This site's certificate and the pinned federation CA; required for https://, refused for http://.</param>
    public GrpcCoordinatorConnection(Uri address, FederationTls? tls = null)
    {
        _channel = CreateChannel(address, tls);
        Address = address.ToString();
        _ownsChannel = true;
        _client = new Protocol.Coordinator.CoordinatorClient(_channel);
    }

    /// <summary>Uses a channel shared by many connections (many virtual clients over one set of HTTP/2 connections); the caller disposes it.</summary>
    public GrpcCoordinatorConnection(GrpcChannel sharedChannel)
    {
        ArgumentNullException.ThrowIfNull(sharedChannel);
        Address = sharedChannel.Target;
        _channel = sharedChannel;
        _client = new Protocol.Coordinator.CoordinatorClient(_channel);
    }

    /// <summary>
    /// A channel for the coordinator at <paramref name="address"/>. It opens more HTTP/2 connections
    /// when one has as many streams open as the server allows (100 by default in Kestrel), since
    /// every waiting client holds a long poll. An https:// address needs <paramref name="tls"/>: the
    /// coordinator is trusted only through the federation CA, never through the system's store.
    /// </summary>
    public static GrpcChannel CreateChannel(Uri address, FederationTls? tls = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The coordinator address '{address}' must start with http:// or https://.", nameof(address));
        if (address.Scheme == "https" && tls is null)
            throw new ArgumentException($"The coordinator address '{address}' is https://: give this site's credentials (a bundle) so the federation CA is pinned and the client certificate sent.", nameof(tls));
        if (address.Scheme == "http" && tls is not null)
            throw new ArgumentException($"The coordinator address '{address}' is plain http://, but TLS credentials were given: use https://.", nameof(address));
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (tls is not null) handler.SslOptions = tls.ClientOptions();
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            // Chunks stay below gRPC's default 4 MiB ceiling; keep it as a guard.
            MaxReceiveMessageSize = 4 * 1024 * 1024,
            MaxSendMessageSize = 4 * 1024 * 1024,
            HttpHandler = handler,
            DisposeHttpClient = true,
        });
    }

    public string Address { get; }

    public async Task<JoinReply> JoinAsync(JoinRequest request, CancellationToken cancellationToken) =>
        await _client.JoinAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<PullTaskReply> PullTaskAsync(PullTaskRequest request, CancellationToken cancellationToken) =>
        await _client.PullTaskAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<long> DownloadModelAsync(string clientId, string modelHash, Codec codec, long offset, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var call = _client.DownloadModel(new DownloadModelRequest { ClientId = clientId, ModelHash = modelHash, Offset = offset, Codec = codec }, cancellationToken: cancellationToken);
        long total = -1;
        long expectedOffset = offset;
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var chunk = call.ResponseStream.Current;
            if (chunk.Offset != expectedOffset)
                throw new InvalidDataException($"Model {modelHash} arrived out of order: chunk at {chunk.Offset}, expected {expectedOffset}.");
            total = chunk.TotalBytes;
            await destination.WriteAsync(chunk.Data.Memory, cancellationToken).ConfigureAwait(false);
            expectedOffset += chunk.Data.Length;
        }
        return total < 0 ? offset : total;
    }

    public async Task<UploadReply> UploadResultAsync(ResultHeader header, ReadOnlyMemory<byte> payload, int chunkBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        using var call = _client.UploadResult(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ResultChunk { Header = header }, cancellationToken).ConfigureAwait(false);
        for (int offset = 0; offset < payload.Length; offset += chunkBytes)
        {
            var part = payload.Slice(offset, Math.Min(chunkBytes, payload.Length - offset));
            await call.RequestStream.WriteAsync(new ResultChunk { Data = UnsafeByteOperations.UnsafeWrap(part) }, cancellationToken).ConfigureAwait(false);
        }
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    public async Task<SecureStepReply> SecureAggregationStepAsync(SecureStepHeader header, ReadOnlyMemory<byte> message, int chunkBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        using var call = _client.SecureAggregationStep(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new SecureStepChunk { Header = header }, cancellationToken).ConfigureAwait(false);
        for (int offset = 0; offset < message.Length; offset += chunkBytes)
        {
            var part = message.Slice(offset, Math.Min(chunkBytes, message.Length - offset));
            await call.RequestStream.WriteAsync(new SecureStepChunk { Data = UnsafeByteOperations.UnsafeWrap(part) }, cancellationToken).ConfigureAwait(false);
        }
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    public async Task<HeartbeatReply> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        await _client.HeartbeatAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync()
    {
        if (_ownsChannel) _channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
