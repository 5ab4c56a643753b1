using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Federated.Coordinator.Security;

/// <summary>
/// At start-up: under mutual TLS, loads the credentials (so a missing or wrong bundle stops the
/// coordinator with the keys to set, before anyone connects); in insecure mode, says loudly that
/// nobody is authenticated.
/// </summary>
internal sealed partial class TransportSecurityStartup(TransportSecurity security, ILogger<TransportSecurityStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (security.IsMutualTls)
            LogMutualTls(security.Identity, security.Credentials.Trust.Root.Subject);
        else
            LogInsecure();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Transports use mutual TLS as {Identity}; clients need certificates from {Authority}")]
    private partial void LogMutualTls(string identity, string authority);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Security:Mode is Insecure: gRPC and MQTT run in plain text and clients are not authenticated (any client may claim any id). For local development only.")]
    private partial void LogInsecure();
}
