using System.Security.Cryptography.X509Certificates;
using Federated.Client;
using Federated.Client.Connection;
using Federated.Client.Mqtt;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Rounds;
using Federated.Protocol;
using Federated.Tests.Integration;
using Federated.Tests.Mqtt;
using Federated.Trust.Pki;
using Federated.Trust.Tls;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Federated.Tests.Trust.Tls;

/// <summary>
/// MQTT with mutual TLS on the embedded MQTTnet broker and on Mosquitto (configured from the
/// coordinator's bundle): a federation runs with devices that are their certificates; devices
/// without a certificate, with another CA's, or revoked never get in; a device stays on its own topics.
/// </summary>
public class MqttMutualTlsTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private static Dictionary<string, string?> Settings(TestBroker broker, int clients) => new(broker.CoordinatorSettings)
    {
        ["Model"] = "input 64; linear 64 10",
        ["Rounds"] = "1",
        ["MinClients"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ClientsPerRound"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MinResults"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FederatedEvaluation"] = "false",
        ["ChunkBytes"] = "1024",
        ["Security:RevocationCheckInterval"] = "00:00:00.200",
    };

    private static MqttCoordinatorConnection Connect(TestBroker broker, FederationTls tls) => new(new MqttConnectionOptions
    {
        Port = broker.Port,
        Federation = "tests",
        DeviceId = tls.Identity,
        Tls = tls,
        RequestTimeout = TimeSpan.FromSeconds(5),
        DownloadStallTimeout = TimeSpan.FromSeconds(5),
    });

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Federation_runs_over_mqtt_with_mutual_tls(string kind)
    {
        using var federation = new TlsFederation();
        await using var broker = await TestBroker.StartAsync(kind, federation);
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 2));

        using var timeout = new CancellationTokenSource(TestTimeout);
        var sites = new[] { federation.Site("phone-a"), federation.Site("phone-b") };
        await using var a = Connect(broker, sites[0]);
        await using var b = Connect(broker, sites[1]);
        Assert.StartsWith("mqtts://", a.Address, StringComparison.Ordinal);
        var options = new Func<string, FederatedClientOptions>(name => new FederatedClientOptions
        {
            Name = name,
            // The coordinator holds the federation's credentials, so updates must be signed: each device signs with its certificate.
            Credentials = sites[name == "a" ? 0 : 1].Credentials,
            CacheDirectory = Path.Combine(coordinator.Directory, name),
            PollWait = TimeSpan.FromSeconds(2),
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(1),
        });
        var summaries = await Task.WhenAll(
            new FederatedClient(a, new ConstantDeltaTrainer(0.25f, 10), options("a")).RunAsync(timeout.Token),
            new FederatedClient(b, new ConstantDeltaTrainer(0.5f, 30), options("b")).RunAsync(timeout.Token));

        Assert.All(summaries, s => Assert.Equal(1, s.TasksCompleted));
        await using var store = await coordinator.OpenStoreAsync();
        Assert.Equal(RoundStatus.Completed, (await store.GetRoundAsync(1))!.Status);
        // The devices are their certificates' identities.
        Assert.Equal(["phone-a", "phone-b"], (await store.GetClientsAsync()).Select(c => c.ClientId).Order());
        Assert.Empty(await store.GetRejectionsAsync());
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Devices_without_a_federation_certificate_or_revoked_never_connect(string kind)
    {
        using var federation = new TlsFederation();
        using var other = FederationAuthority.Create("other-federation");
        using var foreign = other.IssueSite("phone-a");
        var revoked = federation.Site("phone-r");
        // Revoked before the broker starts: Mosquitto reads its CRL at start.
        federation.Revoke(revoked.Credentials.Certificate);
        await using var broker = await TestBroker.StartAsync(kind, federation);
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 3));

        await Assert.ThrowsAnyAsync<Exception>(() => RawConnectAsync(broker, null, "phone-x"));
        await Assert.ThrowsAnyAsync<Exception>(() => RawConnectAsync(broker, foreign, "phone-a"));
        await Assert.ThrowsAnyAsync<Exception>(() => RawConnectAsync(broker, revoked.Credentials.Certificate, "phone-r"));
        await using var device = Connect(broker, revoked);
        var refused = await Assert.ThrowsAsync<RpcException>(() => device.JoinAsync(new JoinRequest { Name = "r" }, CancellationToken.None));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal(0, coordinator.Services.GetRequiredService<ClientRegistry>().Count);
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Device_cannot_read_or_write_another_devices_topics(string kind)
    {
        using var federation = new TlsFederation();
        await using var broker = await TestBroker.StartAsync(kind, federation);
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 3));
        var topics = new MqttTopics("tests");
        using var client = await RawConnectAsync(broker, federation.Site("phone-a").Credentials.Certificate, "phone-a");
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var ownReply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Topic);
            if (e.ApplicationMessage.Topic == topics.Replies("phone-a")) ownReply.TrySetResult();
            return Task.CompletedTask;
        };

        var own = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topics.Replies("phone-a"), MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, own.Items.Single().ResultCode);
        foreach (string filter in new[] { topics.Replies("phone-b"), topics.AllRequests, "federated/tests/#", "#" })
        {
            var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
            // The embedded broker refuses the subscription; Mosquitto 2.0 grants it and checks every message delivered (below).
            if (kind == "embedded") Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, subscribed.Items.Single().ResultCode);
        }
        var publish = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topics.Requests("phone-b"))
            .WithPayload(new MqttRequest { Join = new JoinRequest { Name = "impostor" } }.ToByteArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, publish.ReasonCode);

        // phone-b joins: the coordinator publishes its reply. Then phone-a's own request: its reply is
        // published after phone-b's, so a copy of phone-b's reply would have reached phone-a first.
        await using var b = Connect(broker, federation.Site("phone-b"));
        Assert.Equal("phone-b", (await b.JoinAsync(new JoinRequest { Name = "b" }, CancellationToken.None)).ClientId);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topics.Requests("phone-a"))
            .WithPayload(new MqttRequest { Join = new JoinRequest { Name = "a" } }.ToByteArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithResponseTopic(topics.Replies("phone-a")).WithCorrelationData([1]).Build());
        await ownReply.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(received, topic => Assert.Equal(topics.Replies("phone-a"), topic));
    }

    [Fact]
    public async Task Embedded_broker_refuses_a_client_id_that_is_not_the_certificates_identity()
    {
        using var federation = new TlsFederation();
        await using var broker = await TestBroker.StartAsync("embedded", federation);
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 3));
        var tls = federation.Site("phone-a");

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => RawConnectAsync(broker, tls.Credentials.Certificate, "phone-b"));
        Assert.Contains("ClientIdentifierNotValid", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MqttCoordinatorConnection(new MqttConnectionOptions { Port = broker.Port, Federation = "tests", DeviceId = "phone-b", Tls = tls }));
    }

    [Fact]
    public async Task Embedded_broker_disconnects_a_device_revoked_while_connected()
    {
        using var federation = new TlsFederation();
        await using var broker = await TestBroker.StartAsync("embedded", federation);
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 3));
        var tls = federation.Site("phone-a");
        using var client = await RawConnectAsync(broker, tls.Credentials.Certificate, "phone-a");
        Assert.True(client.IsConnected);

        federation.Revoke(tls.Credentials.Certificate);

        await MqttFederationTests.WaitUntilAsync(() => Task.FromResult(!client.IsConnected));
    }

    /// <summary>A bare MQTT 5 client over TLS that trusts any server and shows <paramref name="certificate"/> (or nothing).</summary>
    private static async Task<IMqttClient> RawConnectAsync(TestBroker broker, X509Certificate2? certificate, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", broker.Port)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId(clientId)
                .WithTimeout(TimeSpan.FromSeconds(10))
                .WithTlsOptions(tls =>
                {
                    tls.UseTls().WithCertificateValidationHandler(_ => true).WithTargetHost("localhost");
                    if (certificate is not null) tls.WithClientCertificates([certificate]);
                })
                .Build());
            // MQTTnet returns a refused CONNACK as a result, not as an exception.
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                throw new InvalidOperationException($"{result.ResultCode}: {result.ReasonString}");
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
