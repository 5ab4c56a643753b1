using System.Net;
using Federated.Coordinator.Security;
using Federated.Protocol;
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
/// requests, so nothing the coordinator accepted is lost. Under mutual TLS (<c>Security:Mode</c>) it
/// listens with TLS only, requires federation client certificates, and holds every client to its own
/// topics (<see cref="MqttBrokerAccess"/>); certificates revoked later are swept off every
/// <c>Security:RevocationCheckInterval</c>.
/// </summary>
public sealed partial class EmbeddedMqttBroker(IOptions<MqttChannelOptions> options, TransportSecurity security, ILogger<EmbeddedMqttBroker> logger) : IHostedService, IAsyncDisposable
{
    private readonly MqttChannelOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MqttServer? _server;
    private Timer? _sweep;
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
            MqttServer server;
            if (security.IsMutualTls)
            {
                server = new MqttServerFactory().CreateMqttServer(TlsServerOptions(_options, address, security));
                var access = new MqttBrokerAccess(security, new MqttTopics(_options.Federation), logger);
                server.ValidatingConnectionAsync += access.ValidateConnectionAsync;
                server.InterceptingPublishAsync += access.InterceptPublishAsync;
                server.InterceptingSubscriptionAsync += access.InterceptSubscriptionAsync;
                _sweep = new Timer(_ => _ = SweepAsync(server, access), null, security.RevocationCheckInterval, security.RevocationCheckInterval);
            }
            else
            {
                server = new MqttServerFactory().CreateMqttServer(ServerOptions(_options, address));
            }
            await server.StartAsync().ConfigureAwait(false);
            _server = server;
            LogStarted(_options.Host, _options.Port, security.IsMutualTls ? "mutual TLS" : "plain text");
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

    /// <summary>
    /// The settings under mutual TLS: no plain endpoint at all; the TLS endpoint presents the
    /// coordinator's certificate and refuses, during the handshake, any client certificate the
    /// federation did not issue or has revoked.
    /// </summary>
    internal static MqttServerOptions TlsServerOptions(MqttChannelOptions options, IPAddress address, TransportSecurity security)
    {
        var built = new MqttServerOptionsBuilder()
            .WithoutDefaultEndpoint()
            .WithEncryptedEndpoint()
            .WithEncryptedEndpointBoundIPAddress(address)
            .WithEncryptedEndpointPort(options.Port)
            .WithEncryptionCertificate(security.Certificate)
            .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13)
            .WithClientCertificate((_, certificate, _, _) => security.AcceptClient(certificate, "MQTT", MqttBrokerAccess.Roles), true)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(10_000)
            .Build();
        built.TlsEndpointOptions.ConnectionBacklog = options.ConnectionBacklog;
        built.TlsEndpointOptions.CheckCertificateRevocation = false;
        return built;
    }

    private async Task SweepAsync(MqttServer server, MqttBrokerAccess access)
    {
        try
        {
            await access.SweepAsync(server).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The broker stopping between two sweeps, a client gone meanwhile: the next sweep tries again.
            LogSweepFailed(e.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_server is not { } server) return;
            _server = null;
            if (_sweep is { } sweep) await sweep.DisposeAsync().ConfigureAwait(false);
            _sweep = null;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Host}:{Port} ({Transport})")]
    private partial void LogStarted(string host, int port, string transport);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded MQTT broker's revocation sweep failed: {Detail}")]
    private partial void LogSweepFailed(string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker on {Host}:{Port} stopped")]
    private partial void LogStopped(string host, int port);
}
