using Federated.Client;
using Federated.Client.Mqtt;
using Federated.Shared.Training;
using Federated.Coordinator.Persistence;
using Federated.Shared.Serialization;
using Federated.Tests.Integration;

namespace Federated.Tests.Mqtt;

/// <summary>FedBuff with real devices over MQTT: the model steps every K updates, whatever model each update started from.</summary>
public class FedBuffOverMqttTests
{
    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Buffered_asynchronous_steps_weight_each_update_by_its_staleness(string kind)
    {
        await using var broker = await TestBroker.StartAsync(kind);
        var settings = new Dictionary<string, string?>(broker.CoordinatorSettings)
        {
            ["Model"] = "input 8; linear 8 2",
            ["Mode"] = "FedBuff",
            ["Rounds"] = "4",
            ["MinClients"] = "4",
            ["FedBuff:BufferSize"] = "2",
            ["FedBuff:Concurrency"] = "3",
            ["FedBuff:MaxStaleness"] = "3",
            ["FedBuff:ServerLearningRate"] = "0.8",
            ["RoundTimeout"] = "00:01:00",
            ["FederatedEvaluation"] = "false",
        };
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var connections = new List<MqttCoordinatorConnection>();
        var runs = new List<Task<ClientRunSummary>>();
        for (int i = 0; i < 4; i++)
        {
            var connection = MqttFederationTests.Connect(broker, $"fedbuff-{i}-{Guid.NewGuid():N}");
            connections.Add(connection);
            var options = new FederatedClientOptions
            {
                Name = $"device-{i}",
                CacheDirectory = Path.Combine(coordinator.Directory, $"cache-{i}"),
                PollWait = TimeSpan.FromSeconds(2),
                InitialBackoff = TimeSpan.FromMilliseconds(100),
            };
            runs.Add(new FederatedClient(connection, new ConstantDeltaTrainer(0.5f, 10), options).RunAsync(timeout.Token));
        }
        var summaries = await Task.WhenAll(runs);
        foreach (var connection in connections) await connection.DisposeAsync();

        // 4 steps of K = 2 updates each: at least 8 tasks done across the fleet.
        Assert.True(summaries.Sum(s => s.TasksCompleted) >= 8);
        await using var store = await coordinator.OpenStoreAsync();
        var rounds = await store.GetRoundsAsync();
        Assert.Equal(4, rounds.Count);
        foreach (var round in rounds)
        {
            Assert.Equal(RoundStatus.Completed, round.Status);
            Assert.Equal(2, round.Metrics["fit_results"]);
            Assert.InRange(round.Metrics["fedbuff_max_staleness"], 0, 3);
            var before = ModelFile.Read((await store.GetModelAsync(round.InputModelHash))!);
            var after = ModelFile.Read((await store.GetModelAsync(round.OutputModelHash!))!);
            // Every update is the constant 0.5, so the step is η · 0.5 · Σ s(τ_i) / K with the weights it recorded.
            double step = 0.8 * 0.5 * round.Metrics["fedbuff_weight_sum"] / 2;
            for (int i = 0; i < after.Parameters.Length; i++)
                Assert.Equal(before.Parameters.Values[i] + step, after.Parameters.Values[i], 1e-5);
        }
        // Each step started from the model of the one before.
        for (int r = 1; r < rounds.Count; r++) Assert.Equal(rounds[r - 1].OutputModelHash, rounds[r].InputModelHash);
    }
}
