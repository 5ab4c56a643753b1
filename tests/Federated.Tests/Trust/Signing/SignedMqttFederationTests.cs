using Federated.Client;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Security;
using Federated.Tests.Integration;
using Federated.Tests.Mqtt;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Tests.Trust.Signing;

/// <summary>
/// Signed models and updates over MQTT, where no connection certificate reaches the coordinator:
/// a device's signature must come from the certificate whose identity is its device id.
/// </summary>
public sealed class SignedMqttFederationTests : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);
    private readonly SigningFederation _federation = new();

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Signed_devices_train_and_a_device_signing_as_another_is_rejected(string kind)
    {
        await using var broker = await TestBroker.StartAsync(kind);
        var settings = new Dictionary<string, string?>(broker.CoordinatorSettings)
        {
            ["Model"] = "input 64; linear 64 10",
            ["Rounds"] = "1",
            ["MinClients"] = "3",
            ["ClientsPerRound"] = "3",
            ["MinResults"] = "2",
            ["RoundTimeout"] = "00:01:00",
            ["FederatedEvaluation"] = "false",
            ["ChunkBytes"] = "1024",
        };
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings, services =>
        {
            services.AddSingleton(_federation.Coordinator);
            services.Configure<AuditOptions>(audit => audit.Path = "");
        });

        string suffix = Guid.NewGuid().ToString("N")[..8];
        string[] devices = [$"device-a-{suffix}", $"device-b-{suffix}", $"device-c-{suffix}"];
        // Device c holds device a's certificate but joins as itself: its updates name device c and are signed by a.
        var credentials = new[] { _federation.Site(devices[0]), _federation.Site(devices[1]), _federation.Site(devices[0]) };
        using var timeout = new CancellationTokenSource(TestTimeout);
        var connections = new List<Federated.Client.Connection.ICoordinatorConnection>();
        var runs = new List<Task<ClientRunSummary>>();
        try
        {
            for (int i = 0; i < devices.Length; i++)
            {
                string device = devices[i];
                Federated.Client.Connection.ICoordinatorConnection connection = MqttFederationTests.Connect(broker, device);
                if (i == 2) connection = new TamperingConnection(connection) { OnJoin = join => join.ClientId = device };
                connections.Add(connection);
                var options = new FederatedClientOptions
                {
                    Name = devices[i],
                    CacheDirectory = Path.Combine(coordinator.Directory, $"cache-{i}"),
                    Credentials = credentials[i],
                    PollWait = TimeSpan.FromSeconds(2),
                };
                runs.Add(new FederatedClient(connection, new ConstantDeltaTrainer(0.5f, 10), options).RunAsync(timeout.Token));
            }
            await Task.WhenAll(runs);
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }

        await using var store = await coordinator.OpenStoreAsync();
        Assert.Equal(RoundStatus.Completed, (await store.GetRoundAsync(1))!.Status);
        var tasks = await store.GetTasksAsync(1);
        Assert.Equal(2, tasks.Count(t => t.Status == Coordinator.Persistence.TaskStatus.Completed));
        var rejection = Assert.Single(await store.GetRejectionsAsync());
        Assert.Equal(devices[2], rejection.ClientId);
        Assert.Contains($"signed by '{devices[0]}', not by client '{devices[2]}'", rejection.Reason, StringComparison.Ordinal);
    }

    public void Dispose() => _federation.Dispose();
}
