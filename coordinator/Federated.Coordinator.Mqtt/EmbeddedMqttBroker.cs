using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace Federated.Coordinator.Mqtt;

/// <summary>
/// An MQTTnet broker started with the coordinator (MQTT 3.1.1 and 5, persistent sessions, retained
/// messages in memory). It listens on <see cref="MqttChannelOptions.Host"/>, loopback unless
/// configured, so a single-machine federation needs no broker of its own. A restart loses retained
/// model chunks and queued messages: the channel republishes models and clients resend unanswered
/// requests, so nothing the coordinator accepted is lost.
/// </summary>
public sealed partial class EmbeddedMqttBroker(IOptions<MqttChannelOptions> options, ILogger<EmbeddedMqttBroker> logger) : IHostedService, IAsyncDisposable
{
    private readonly MqttChannelOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MqttServer? _server;
    private int _disposed;

    public bool IsRunning => _server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_server is not null) return;
            if (!IPAddress.TryParse(_options.Host, out var address))
                throw new InvalidOperationException($"{MqttChannelOptions.SectionName}:Host '{_options.Host}' must be an IP address for the embedded broker to listen on.");
            var server = new MqttServerFactory().CreateMqttServer(ServerOptions(_options, address));
            await server.StartAsync().ConfigureAwait(false);
            _server = server;
            LogStarted(_options.Host, _options.Port);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The MQTTnet server's settings for <paramref name="options"/>, listening on <paramref name="address"/>.</summary>
    internal static MqttServerOptions ServerOptions(MqttChannelOptions options, IPAddress address) =>
        new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(options.Port)
            .WithConnectionBacklog(options.ConnectionBacklog)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(10_000)
            .Build();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_server is not { } server) return;
            _server = null;
            await server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
            server.Dispose();
            LogStopped(_options.Host, _options.Port);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes it twice: as itself and as the hosted service it also is.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Host}:{Port}")]
    private partial void LogStarted(string host, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker on {Host}:{Port} stopped")]
    private partial void LogStopped(string host, int port);
}
