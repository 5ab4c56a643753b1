using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Federated.Client.Connection;
using Federated.Client.Mqtt;
using Federated.Coordinator.Security;
using Federated.Protocol;
using Federated.Tests.Integration;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Tests.Trust.Tls;

/// <summary>
/// Clients pin the federation CA and the coordinator role: a server showing a site's certificate or
/// another federation's coordinator certificate is refused (gRPC and MQTT); the coordinator will
/// not start as a site, nor, by default, without credentials.
/// </summary>
public class PinningTests
{
    [Fact]
    public async Task Clients_refuse_a_server_with_a_site_certificate()
    {
        using var federation = new TlsFederation();
        using var site = federation.Authority.IssueSite("rogue-site");

        string refusal = await RefusalOfServerAsync(federation, site);

        Assert.Contains("Coordinator role is required", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clients_refuse_another_federations_coordinator()
    {
        using var federation = new TlsFederation();
        using var other = FederationAuthority.Create("other-federation");
        using var foreign = other.IssueCoordinator("coordinator", ["localhost"], [IPAddress.Loopback]);

        string refusal = await RefusalOfServerAsync(federation, foreign);

        Assert.Contains("was not issued by the federation CA", refusal, StringComparison.Ordinal);
    }

    /// <summary>Points a gRPC and an MQTT client at a TLS server showing <paramref name="serverCertificate"/>; both must fail, and say why.</summary>
    private static async Task<string> RefusalOfServerAsync(TlsFederation federation, X509Certificate2 serverCertificate)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var server = ServeTlsAsync(listener, serverCertificate, stop.Token);

        var grpcTls = federation.Site("hospital-a");
        await using (var grpc = new GrpcCoordinatorConnection(new Uri($"https://127.0.0.1:{port}"), grpcTls))
        {
            await Assert.ThrowsAsync<RpcException>(() => grpc.JoinAsync(new JoinRequest { Name = "a" }, CancellationToken.None));
        }
        var mqttTls = federation.Site("phone-a");
        await using (var mqtt = new MqttCoordinatorConnection(new MqttConnectionOptions { Port = port, Federation = "tests", DeviceId = "phone-a", Tls = mqttTls, RequestTimeout = TimeSpan.FromSeconds(10) }))
        {
            var failed = await Assert.ThrowsAsync<RpcException>(() => mqtt.JoinAsync(new JoinRequest { Name = "a" }, CancellationToken.None));
            Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
            Assert.Contains(mqttTls.LastRefusal!, failed.Status.Detail, StringComparison.Ordinal);
        }
        await stop.CancelAsync();
        await server;
        Assert.Equal(grpcTls.LastRefusal, mqttTls.LastRefusal);
        return grpcTls.LastRefusal!;
    }

    private static async Task ServeTlsAsync(TcpListener listener, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient connection;
            try
            {
                connection = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            using (connection)
            await using (var tls = new SslStream(connection.GetStream()))
            {
                try
                {
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = certificate,
                        ApplicationProtocols = [SslApplicationProtocol.Http2],
                    }, cancellationToken);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                {
                    // The client hung up on the certificate, as it should.
                }
            }
        }
    }

    [Fact]
    public async Task Coordinator_will_not_start_with_a_site_bundle()
    {
        using var federation = new TlsFederation();
        using var site = federation.Authority.IssueSite("hospital-a");
        string bundle = Path.Combine(federation.Directory, "site");
        FederationBundle.Write(bundle, site, federation.Authority.PublicCertificate(), "tls-tests-password");
        var settings = federation.CoordinatorSettings;
        settings["Security:Bundle"] = bundle;

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => LoopbackCoordinator.StartAsync(settings));

        Assert.Contains("Security:Bundle", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Site certificate of 'hospital-a'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_text_is_only_what_was_asked_for_and_is_logged_as_a_warning()
    {
        var logs = new CapturedLogs();
        // The fixture says Security:Mode=Insecure explicitly.
        await using var coordinator = await LoopbackCoordinator.StartAsync(new Dictionary<string, string?>(),
            services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));

        Assert.Equal("http", coordinator.Address.Scheme);
        Assert.Contains(logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && e.Message.Contains("Security:Mode is Insecure", StringComparison.Ordinal) && e.Message.Contains("plain text", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => GrpcCoordinatorConnection.CreateChannel(new Uri("https://127.0.0.1:1")));
    }

    [Fact]
    public async Task Coordinator_defaults_to_mutual_tls_and_will_not_start_without_credentials()
    {
        Assert.Equal(TransportSecurityMode.MutualTls, new SecurityOptions().Mode);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => LoopbackCoordinator.StartAsync(new Dictionary<string, string?> { ["Security:Mode"] = "MutualTls" }));

        Assert.Contains("Security:Bundle", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Security:Mode=Insecure", refused.Message, StringComparison.Ordinal);
    }
}
