using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Federated.Client.Connection;
using Federated.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Federated.Client.Mqtt;

/// <summary>
/// A device's line to the coordinator through an MQTT broker (see shared/Federated.Protocol/mqtt.proto).
/// Each call is an MQTT 5 request with a response topic and correlation data; the connection is made
/// on first use and again after it drops, with a persistent session so the broker keeps replies that
/// arrive while the device is away. A task handed out while the device was away arrives with its
/// session and is returned by the next poll. Failures surface as <see cref="RpcException"/> with the
/// status codes the gRPC transport uses, so the task loop retries and rejoins the same way.
/// </summary>
public sealed partial class MqttCoordinatorConnection : ICoordinatorConnection
{
    private readonly MqttConnectionOptions _options;
    private readonly MqttTopics _topics;
    private readonly string _replyTopic;
    private IMqttClient _client;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<MqttReply>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PullTaskReply> _lateTasks = new();
    // Per upload (task and kind), the bytes the coordinator last acknowledged: a retry after a lost
    // connection starts there instead of at zero (the coordinator answers 0 if it no longer holds it).
    private readonly ConcurrentDictionary<string, long> _acknowledged = new(StringComparer.Ordinal);
    private volatile ModelChunkSink? _download;
    private long _uploadedBytes;
    private long _downloadedBytes;

    public MqttCoordinatorConnection(MqttConnectionOptions options, ILogger<MqttCoordinatorConnection>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _topics = new MqttTopics(options.Federation);
        _replyTopic = _topics.Replies(options.DeviceId);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _client = CreateClient();
    }

    private IMqttClient CreateClient()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += _ =>
        {
            // A client replaced by DropConnectionAsync reports its end late; the new one's calls stand.
            if (ReferenceEquals(client, _client)) FailPending();
            return Task.CompletedTask;
        };
        return client;
    }

    /// <summary>
    /// Calls in flight cannot be answered on a lost connection: fail them now so the task loop
    /// retries (on a new connection) instead of waiting out their timeouts.
    /// </summary>
    private void FailPending()
    {
        foreach (var correlation in _pending.Keys)
        {
            if (_pending.TryRemove(correlation, out var removed))
                removed.TrySetException(new RpcException(new Status(StatusCode.Unavailable, "lost the connection to the MQTT broker")));
        }
    }

    public string Address => $"{(_options.Tls is null ? "mqtt" : "mqtts")}://{_options.Host}:{_options.Port}/{_topics.Root}";

    public bool IsConnected => _client.IsConnected;

    /// <summary>Payload bytes sent in upload chunks over this connection's life (what resuming saves shows here).</summary>
    public long UploadedBytes => Interlocked.Read(ref _uploadedBytes);

    /// <summary>The MQTTnet client of the current connection, for tests that watch its packets.</summary>
    internal IMqttClient Client => _client;

    /// <summary>Called before each upload chunk is sent, with its offset; lets tests cut the connection mid-upload.</summary>
    internal Func<long, Task>? BeforeChunk { get; set; }

    /// <summary>Model bytes written to download destinations over this connection's life.</summary>
    public long DownloadedBytes => Interlocked.Read(ref _downloadedBytes);

    /// <summary>Called after each downloaded chunk is written, with the bytes held so far; lets tests cut the connection mid-download.</summary>
    internal Func<long, Task>? AfterDownloadChunk { get; set; }

    public async Task<JoinReply> JoinAsync(JoinRequest request, CancellationToken cancellationToken) =>
        (await CallAsync(new MqttRequest { Join = request }, _options.RequestTimeout, MqttReply.OutcomeOneofCase.Join, cancellationToken).ConfigureAwait(false)).Join;

    /// <summary>Tasks that arrived for polls this device had given up on, waiting for its next poll.</summary>
    internal int LateTaskCount => _lateTasks.Count;

    public async Task<PullTaskReply> PullTaskAsync(PullTaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_lateTasks.TryDequeue(out var late)) return late;
        var timeout = TimeSpan.FromMilliseconds(Math.Max(0, request.WaitMs)) + _options.RequestTimeout;
        return (await CallAsync(new MqttRequest { PullTask = request }, timeout, MqttReply.OutcomeOneofCase.PullTask, cancellationToken).ConfigureAwait(false)).PullTask;
    }

    public async Task<HeartbeatReply> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        (await CallAsync(new MqttRequest { Heartbeat = request }, _options.RequestTimeout, MqttReply.OutcomeOneofCase.Heartbeat, cancellationToken).ConfigureAwait(false)).Heartbeat;

    /// <summary>
    /// Asks the coordinator to publish the model, then takes its retained chunks from the broker,
    /// writing from <paramref name="offset"/> on. A download that stalls throws
    /// <see cref="StatusCode.Unavailable"/>; the caller resumes it from the bytes it holds.
    /// </summary>
    public async Task<long> DownloadModelAsync(string clientId, string modelHash, Codec codec, long offset, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var request = new MqttRequest { DownloadModel = new DownloadModelRequest { ClientId = clientId, ModelHash = modelHash, Codec = codec, Offset = offset } };
        var manifest = (await CallAsync(request, _options.RequestTimeout, MqttReply.OutcomeOneofCase.Model, cancellationToken).ConfigureAwait(false)).Model;
        if (manifest.ChunkBytes <= 0 || manifest.TotalBytes < 0)
            throw new RpcException(new Status(StatusCode.Internal, $"The coordinator described model {modelHash} with {manifest.ChunkBytes}-byte chunks of {manifest.TotalBytes} bytes."));
        if (offset >= manifest.TotalBytes) return manifest.TotalBytes;

        using var sink = new ModelChunkSink(manifest, offset);
        _download = sink;
        string filter = _topics.ModelChunks(modelHash, codec);
        try
        {
            await SubscribeAsync(filter, cancellationToken).ConfigureAwait(false);
            long written = offset;
            while (!sink.Done)
            {
                byte[] chunk = await sink.NextAsync(_options.DownloadStallTimeout, cancellationToken).ConfigureAwait(false)
                    ?? throw new RpcException(new Status(StatusCode.Unavailable, $"the download of model {modelHash} stalled after {written} of {manifest.TotalBytes} bytes"));
                await destination.WriteAsync(chunk.AsMemory(sink.Skip), cancellationToken).ConfigureAwait(false);
                written += chunk.Length - sink.Skip;
                Interlocked.Add(ref _downloadedBytes, chunk.Length - sink.Skip);
                sink.SkipDone();
                if (AfterDownloadChunk is { } hook) await hook(written).ConfigureAwait(false);
            }
            return manifest.TotalBytes;
        }
        finally
        {
            _download = null;
            await UnsubscribeQuietlyAsync(filter).ConfigureAwait(false);
        }
    }

    public async Task<UploadReply> UploadResultAsync(ResultHeader header, ReadOnlyMemory<byte> payload, int chunkBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        var reply = await UploadAsync(new UploadChunk { Result = header }, $"{header.TaskId}/result", payload, chunkBytes, _options.RequestTimeout, MqttReply.OutcomeOneofCase.Upload, cancellationToken).ConfigureAwait(false);
        return reply.Upload;
    }

    public async Task<SecureStepReply> SecureAggregationStepAsync(SecureStepHeader header, ReadOnlyMemory<byte> message, int chunkBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        var reply = await UploadAsync(new UploadChunk { SecureStep = header }, $"{header.TaskId}/secure-{(int)header.Phase}", message, chunkBytes, _options.SecureStepTimeout, MqttReply.OutcomeOneofCase.SecureStep, cancellationToken).ConfigureAwait(false);
        return reply.SecureStep;
    }

    /// <summary>
    /// Sends the payload chunk by chunk, each acknowledged with the bytes the coordinator holds, and
    /// continues from that acknowledgement: a retry after a lost connection resumes where the
    /// coordinator stopped, not from the start.
    /// </summary>
    private async Task<MqttReply> UploadAsync(UploadChunk template, string uploadKey, ReadOnlyMemory<byte> payload, int chunkBytes, TimeSpan lastChunkTimeout,
        MqttReply.OutcomeOneofCase final, CancellationToken cancellationToken)
    {
        chunkBytes = Math.Max(1, chunkBytes);
        long offset = _acknowledged.TryGetValue(uploadKey, out long resumed) && resumed <= payload.Length ? resumed : 0;
        int stuck = 0;
        while (true)
        {
            if (BeforeChunk is { } hook) await hook(offset).ConfigureAwait(false);
            int length = (int)Math.Min(chunkBytes, payload.Length - offset);
            var chunk = template.Clone();
            chunk.Offset = offset;
            chunk.Data = UnsafeByteOperations.UnsafeWrap(payload.Slice((int)offset, length));
            bool last = offset + length == payload.Length;
            Interlocked.Add(ref _uploadedBytes, length);
            var reply = await CallAsync(new MqttRequest { UploadChunk = chunk }, last ? lastChunkTimeout : _options.RequestTimeout, null, cancellationToken).ConfigureAwait(false);
            if (reply.OutcomeCase == final)
            {
                _acknowledged.TryRemove(uploadKey, out _);
                return reply;
            }
            if (reply.OutcomeCase != MqttReply.OutcomeOneofCase.Progress)
                throw new RpcException(new Status(StatusCode.Internal, $"The coordinator answered an upload chunk with {reply.OutcomeCase}."));
            long received = reply.Progress.ReceivedBytes;
            if (received < 0 || received > payload.Length)
                throw new RpcException(new Status(StatusCode.Internal, $"The coordinator acknowledged {received} of {payload.Length} bytes."));
            // The coordinator holding no more than before means it dropped the upload (restart, expiry): a
            // few of those in a row are a transient failure for the task loop to retry.
            stuck = received > offset || (received == offset && length == 0) ? 0 : stuck + 1;
            if (stuck >= 3) throw new RpcException(new Status(StatusCode.Unavailable, $"the upload made no progress past {received} of {payload.Length} bytes"));
            offset = received;
            _acknowledged[uploadKey] = received;
        }
    }

    private async Task<MqttReply> CallAsync(MqttRequest request, TimeSpan timeout, MqttReply.OutcomeOneofCase? expected, CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        byte[] correlation = RandomNumberGenerator.GetBytes(16);
        string key = Convert.ToHexString(correlation);
        var waiter = new TaskCompletionSource<MqttReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = waiter;
        try
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(_topics.Requests(_options.DeviceId))
                .WithPayload(request.ToByteArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithResponseTopic(_replyTopic)
                .WithCorrelationData(correlation)
                .Build();
            try
            {
                await PublishWholeAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"could not publish to the MQTT broker: {e.Message}"));
            }
            MqttReply reply;
            try
            {
                reply = await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"no reply to {request.CallCase} within {timeout.TotalSeconds:0} s"));
            }
            if (reply.OutcomeCase == MqttReply.OutcomeOneofCase.Error)
                throw new RpcException(new Status((StatusCode)reply.Error.StatusCode, reply.Error.Detail));
            if (expected is { } kind && reply.OutcomeCase != kind)
                throw new RpcException(new Status(StatusCode.Internal, $"The coordinator answered {request.CallCase} with {reply.OutcomeCase}."));
            return reply;
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected) return;
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client.IsConnected) return;
            var builder = new MqttClientOptionsBuilder()
                .WithTcpServer(tcp =>
                {
                    // MQTTnet's default 8 KB socket buffer makes megabyte chunks crawl.
                    tcp.BufferSize = 1 << 20;
                    tcp.NoDelay = true;
                })
                .WithEndPoint(new System.Net.DnsEndPoint(_options.Host, _options.Port))
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId(_options.DeviceId)
                .WithCleanStart(false)
                .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
                .WithKeepAlivePeriod(_options.KeepAlive)
                .WithTimeout(_options.RequestTimeout)
                // The broker announces the device's disappearance when its connection dies unannounced.
                .WithWillTopic(_topics.Presence(_options.DeviceId))
                .WithWillPayload(MqttTopics.Offline)
                .WithWillRetain()
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
            if (!string.IsNullOrEmpty(_options.Username)) builder = builder.WithCredentials(_options.Username, _options.Password);
            if (_options.Tls is { } tls)
            {
                builder = builder.WithTlsOptions(o => o
                    .UseTls()
                    .WithTargetHost(_options.Host)
                    .WithClientCertificates([tls.Credentials.Certificate])
                    .WithSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13)
                    .WithRevocationMode(System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck)
                    .WithCertificateValidationHandler(e => tls.AcceptServer(e.Certificate, e.SslPolicyErrors)));
            }
            MqttClientConnectResult result;
            try
            {
                result = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // A refused server certificate surfaces as a bare handshake failure: say why.
                string refusal = _options.Tls?.LastRefusal is { } why ? $" ({why})" : "";
                throw new RpcException(new Status(StatusCode.Unavailable, $"cannot reach the MQTT broker at {_options.Host}:{_options.Port}: {e.Message}{refusal}"));
            }
            catch (InvalidOperationException e)
            {
                // MQTTnet refuses to connect while it is still tearing down the connection that just died
                // (a broker restart, lost signal): transient, so the task loop retries after its backoff.
                throw new RpcException(new Status(StatusCode.Unavailable, $"the connection to the MQTT broker at {_options.Host}:{_options.Port} is still closing: {e.Message}"));
            }
            // MQTTnet hands a refused CONNACK back as a result (a broker that does not accept this
            // device's certificate or id): no connection, and retrying will not change the verdict soon.
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"the MQTT broker at {_options.Host}:{_options.Port} refused device '{_options.DeviceId}': {result.ResultCode} {result.ReasonString}".TrimEnd()));
            if (!result.IsSessionPresent) await SubscribeAsync(_replyTopic, cancellationToken).ConfigureAwait(false);
            await PublishPresenceAsync(MqttTopics.Online, cancellationToken).ConfigureAwait(false);
            LogConnected(Address, result.IsSessionPresent);
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (string.Equals(message.Topic, _replyTopic, StringComparison.Ordinal))
        {
            MqttReply reply;
            try
            {
                reply = MqttReply.Parser.ParseFrom(message.Payload);
            }
            catch (InvalidProtocolBufferException ex)
            {
                LogBadReply(ex.Message);
                return Task.CompletedTask;
            }
            string key = message.CorrelationData is { } correlation ? Convert.ToHexString(correlation) : "";
            if (_pending.TryRemove(key, out var waiter)) waiter.TrySetResult(reply);
            // A task handed out on a poll this device gave up on (it went away, the call timed out): the
            // coordinator assigned it, so the next poll returns it instead of letting it lapse.
            else if (reply.OutcomeCase == MqttReply.OutcomeOneofCase.PullTask && reply.PullTask.OutcomeCase == PullTaskReply.OutcomeOneofCase.Task)
                _lateTasks.Enqueue(reply.PullTask);
        }
        else if (_download is { } sink && _topics.IsModelChunk(message.Topic, out int index))
        {
            sink.Offer(index, message.Payload.ToArray());
        }
        return Task.CompletedTask;
    }

    private async Task SubscribeAsync(string filter, CancellationToken cancellationToken)
    {
        try
        {
            var options = new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build();
            await _client.SubscribeAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"could not subscribe to {filter}: {e.Message}"));
        }
    }

    private async Task UnsubscribeQuietlyAsync(string filter)
    {
        if (!_client.IsConnected) return;
        try
        {
            await _client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(filter).Build(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // The subscription dies with the session or is replaced by the next download's.
        }
    }

    private Task<MqttClientPublishResult> PublishPresenceAsync(string state, CancellationToken cancellationToken) =>
        PublishWholeAsync(new MqttApplicationMessageBuilder()
            .WithTopic(_topics.Presence(_options.DeviceId))
            .WithPayload(state)
            .WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cancellationToken);

    /// <summary>
    /// Publishes <paramref name="message"/> whole, whatever happens to the caller's token meanwhile.
    /// MQTTnet writes a PUBLISH as two socket writes, header then payload, each with the token it is
    /// given: cancelled between them, the header is on the wire and the next packet's bytes become its
    /// payload, which the broker delivers as a garbled request (seen when a fleet of a thousand devices
    /// stopped at once). So the caller's token ends the wait, never the write; MQTTnet's own
    /// communication timeout bounds the write.
    /// </summary>
    private async Task<MqttClientPublishResult> PublishWholeAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var publish = _client.PublishAsync(message, CancellationToken.None);
        try
        {
            return await publish.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Left to finish on its own: a failure then is the connection's, and the next call meets it.
            _ = publish.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>Says goodbye (presence "offline") and disconnects; the broker keeps the session for <see cref="MqttConnectionOptions.SessionExpiry"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await PublishPresenceAsync(MqttTopics.Offline, CancellationToken.None).ConfigureAwait(false);
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
            {
                // Gone already: the broker sends the last will instead.
            }
        }
        _client.Dispose();
        _connectGate.Dispose();
    }

    /// <summary>
    /// Drops the network connection without a goodbye, as a phone losing signal does: the socket just
    /// closes, so the broker sends the last will. The next call connects again. For tests and simulations.
    /// </summary>
    internal async Task DropConnectionAsync()
    {
        await _connectGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var lost = _client;
            _client = CreateClient();
            lost.Dispose();
            FailPending();
        }
        finally
        {
            _connectGate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Address} (session kept: {SessionPresent})")]
    private partial void LogConnected(string address, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a reply that is not an MqttReply message: {Detail}")]
    private partial void LogBadReply(string detail);
}
