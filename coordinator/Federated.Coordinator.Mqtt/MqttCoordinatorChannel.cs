using System.Buffers;
using System.Net;
using Federated.Coordinator.Security;
using Federated.Coordinator.Transport;
using Federated.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Federated.Coordinator.Mqtt;

/// <summary>
/// The coordinator's MQTT channel: it connects to the broker (the embedded one or an external one)
/// as a client with a persistent session, takes devices' requests from <c>{root}/c/+/req</c>,
/// answers each on the request's MQTT 5 response topic, and watches presence for last wills.
/// Requests are handled concurrently (a task poll waits up to 30 s); losing the broker is survived
/// by reconnecting with backoff, and the persistent session keeps requests sent meanwhile.
/// </summary>
public sealed partial class MqttCoordinatorChannel : BackgroundService
{
    /// <summary>Room for a request's envelope and header on top of a chunk of data.</summary>
    private const int EnvelopeSlack = 64 * 1024;

    private readonly MqttChannelOptions _options;
    private readonly MqttTopics _topics;
    private readonly MqttCallHandler _handler;
    private readonly ClientGateway _gateway;
    private readonly ILogger<MqttCoordinatorChannel> _logger;
    private readonly int _maxRequestBytes;
    private readonly IMqttClient _client;
    private readonly RetainedModelPublisher _models;
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _stopping;

    private readonly TransportSecurity _security;

    public MqttCoordinatorChannel(ClientGateway gateway, IOptions<MqttChannelOptions> options, TransportSecurity security, TimeProvider time, ILogger<MqttCoordinatorChannel> logger)
    {
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _topics = new MqttTopics(_options.Federation);
        _gateway = gateway;
        _logger = logger;
        _maxRequestBytes = gateway.ChunkBytes + EnvelopeSlack;
        _models = new RetainedModelPublisher(_topics, gateway.ChunkBytes, _options.RetainedModels);
        _security = security;
        // Under mutual TLS the broker has checked that a device's id is its certificate's identity.
        _handler = new MqttCallHandler(gateway, new ResumableUploads(_options.MaxPendingUploads, _options.UploadIdleTimeout, time), _models, time, devicesAuthenticated: security.IsMutualTls);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += _ =>
        {
            Volatile.Read(ref _disconnected).TrySetResult();
            return Task.CompletedTask;
        };
    }

    public MqttTopics Topics => _topics;

    /// <summary>Whether the channel holds a connection to the broker now.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Completes once the channel has connected and subscribed for the first time (devices' requests are heard from then on).</summary>
    public Task FirstConnection => _firstConnection.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            Volatile.Write(ref _disconnected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            try
            {
                await ConnectAsync(stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(200);
                await Volatile.Read(ref _disconnected).Task.WaitAsync(stoppingToken).ConfigureAwait(false);
                LogLost(_options.Host, _options.Port);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Whatever failed, the gRPC channel and the rounds go on; keep trying to reach the broker.
                LogUnreachable(_options.Host, _options.Port, e.Message, delay.TotalSeconds);
            }
            await Task.Delay(delay, stoppingToken).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
        if (_client.IsConnected)
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(tcp =>
            {
                // MQTTnet's default 8 KB socket buffer makes megabyte publishes crawl.
                tcp.BufferSize = 1 << 20;
                tcp.NoDelay = true;
            })
            .WithEndPoint(new DnsEndPoint(_options.Host, _options.Port))
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_security.IsMutualTls ? _security.Identity : $"federated-coordinator-{_options.Federation}")
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!string.IsNullOrEmpty(_options.Username)) builder = builder.WithCredentials(_options.Username, _options.Password);
        if (_security.IsMutualTls)
        {
            // The broker (embedded or Mosquitto) presents the coordinator's certificate: pinned to the
            // federation CA, the coordinator role and the host name; this side shows the same certificate.
            builder = builder.WithTlsOptions(tls => tls
                .UseTls()
                .WithTargetHost(_options.Host)
                .WithClientCertificates([_security.Certificate])
                .WithSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13)
                .WithRevocationMode(System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck)
                .WithCertificateValidationHandler(e => _security.AcceptServer(e.Certificate, e.SslPolicyErrors, "MQTT channel")));
        }
        var result = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        // A refused CONNACK comes back as a result, not an exception: the retry loop logs it and tries again.
        if (result.ResultCode != MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"the broker refused the coordinator's connection: {result.ResultCode} {result.ReasonString}".TrimEnd());
        // The broker may have restarted and lost its retained models: publish again on demand.
        _models.Forget();
        if (!result.IsSessionPresent)
        {
            var subscription = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(_topics.AllRequests, MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(_topics.AllPresence, MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await _client.SubscribeAsync(subscription, cancellationToken).ConfigureAwait(false);
        }
        LogConnected(_options.Host, _options.Port, _topics.Root, result.IsSessionPresent);
        _firstConnection.TrySetResult();
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        string? device = _topics.DeviceOf(message.Topic);
        if (device is null) return Task.CompletedTask;
        if (message.Topic.EndsWith("/req", StringComparison.Ordinal))
        {
            // Parsed here, while the received buffer is valid; handled off the receive loop, which
            // must not wait for a long poll or a secure phase.
            var reply = Parse(message, out var request);
            // Always the device's own reply topic, whatever response topic it names: a device must not
            // make the coordinator publish into another device's replies.
            string responseTopic = _topics.Replies(device);
            byte[]? correlation = message.CorrelationData;
            _ = reply is not null
                ? RecordAndReplyAsync(device, reply, responseTopic, correlation)
                : HandleAsync(device, request!, responseTopic, correlation);
        }
        else
        {
            string presence = message.ConvertPayloadToString();
            if (presence == MqttTopics.Offline && _handler.ClientOf(device) is { } clientId) _gateway.MarkAway(clientId);
        }
        return Task.CompletedTask;
    }

    /// <summary>The error reply for a request that cannot be read, or null with the request parsed.</summary>
    private MqttReply? Parse(MqttApplicationMessage message, out MqttRequest? request)
    {
        request = null;
        long length = message.Payload.Length;
        if (length > _maxRequestBytes)
            return MqttCallHandler.Error(StatusCode.ResourceExhausted, $"A request of {length} bytes is over the {_maxRequestBytes}-byte limit (chunks hold at most {_gateway.ChunkBytes} bytes).");
        try
        {
            request = MqttRequest.Parser.ParseFrom(message.Payload);
            return null;
        }
        catch (InvalidProtocolBufferException ex)
        {
            return MqttCallHandler.Error(StatusCode.InvalidArgument, $"The request is not a valid MqttRequest message: {ex.Message}");
        }
    }

    private async Task RecordAndReplyAsync(string device, MqttReply reply, string responseTopic, byte[]? correlation)
    {
        // Recorded against the device: a payload that cannot be read names no client or task.
        await _gateway.RejectMalformedAsync(_handler.ClientOf(device) ?? $"mqtt:{device}", "", reply.Error.Detail, _stopping).ConfigureAwait(false);
        await ReplyAsync(reply, responseTopic, correlation).ConfigureAwait(false);
    }

    private async Task HandleAsync(string device, MqttRequest request, string responseTopic, byte[]? correlation)
    {
        MqttReply reply;
        try
        {
            reply = await _handler.HandleAsync(device, request, PublishRetainedAsync, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            LogFailed(e, device, request.CallCase.ToString());
            reply = MqttCallHandler.Error(StatusCode.Internal, $"The coordinator failed to handle the {request.CallCase} request: {e.Message}");
        }
        await ReplyAsync(reply, responseTopic, correlation).ConfigureAwait(false);
    }

    private async Task ReplyAsync(MqttReply reply, string responseTopic, byte[]? correlation)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(responseTopic)
            .WithPayload(reply.ToByteArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithCorrelationData(correlation)
            .Build();
        try
        {
            // Never cut by the stopping token: MQTTnet writes header and payload separately, and a
            // cancellation between them leaves a garbled message on the broker (see PublishRetainedAsync).
            await _client.PublishAsync(message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException or OperationCanceledException)
        {
            // The device resends an unanswered request; a lost reply costs a retry, not a result.
            LogReplyLost(responseTopic, e.Message);
        }
    }

    /// <remarks>
    /// The write itself ignores <paramref name="cancellationToken"/>: MQTTnet writes a PUBLISH as its
    /// header and then its payload, each with the token given, so a cancellation between them puts a
    /// header on the wire whose payload is the next packet's bytes, and the broker would keep that
    /// garbled chunk as the model's. Cancellation ends the wait; MQTTnet's timeout bounds the write.
    /// </remarks>
    private async Task PublishRetainedAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(new ReadOnlySequence<byte>(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();
        var publish = _client.PublishAsync(message, CancellationToken.None);
        try
        {
            await publish.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _ = publish.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        _models.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT channel connected to {Host}:{Port} under {Root} (session kept: {SessionPresent})")]
    private partial void LogConnected(string host, int port, string root, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT channel lost the broker at {Host}:{Port}; reconnecting")]
    private partial void LogLost(string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT broker at {Host}:{Port} unreachable ({Detail}); retrying in {Seconds:0.0} s")]
    private partial void LogUnreachable(string host, int port, string detail, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "MQTT request {Call} from device {Device} failed")]
    private partial void LogFailed(Exception exception, string device, string call);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT reply to {Topic} not sent: {Detail}")]
    private partial void LogReplyLost(string topic, string detail);
}
