using Federated.Client;
using Federated.Client.Connection;
using Federated.Client.Torch;
using Federated.Coordinator.Persistence;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Serialization;
using Federated.Tests.Data;
using Federated.Tests.Torch;
using Federated.Torch;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Tests.Integration;

/// <summary>
/// The whole product in small: a real coordinator on a loopback port, three real clients over
/// gRPC training the classic CNN with TorchSharp on disjoint Fashion-MNIST shards, FedAvg, SQLite.
/// </summary>
[Collection(TorchTestGroup.Name)]
public class FashionMnistFederationTests
{
    private const int Clients = 3;
    private const int ShardCount = 20; // 3,000 images per client: small enough to stay fast

    [Fact]
    public async Task Two_rounds_of_three_clients_persist_and_improve_the_global_model()
    {
        await using var coordinator = await LoopbackCoordinator.StartAsync(new Dictionary<string, string?>
        {
            ["Model"] = "cnn",
            ["Rounds"] = "2",
            ["MinClients"] = $"{Clients}",
            ["ClientsPerRound"] = $"{Clients}",
            ["MinResults"] = $"{Clients}",
            ["RoundTimeout"] = "00:05:00",
            ["FederatedEvaluation"] = "true",
        });

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var runs = new List<Task<ClientRunSummary>>();
        var connections = new List<GrpcCoordinatorConnection>();
        for (int i = 0; i < Clients; i++)
        {
            var shard = DatasetSharding.Shard(FashionMnistData.Train, i, ShardCount, seed: 7);
            var (train, heldOut) = DatasetSharding.Split(shard, 0.1, seed: i);
            var connection = new GrpcCoordinatorConnection(coordinator.Address);
            connections.Add(connection);
            var options = new FederatedClientOptions { Name = $"hospital-{i}", CacheDirectory = Path.Combine(coordinator.Directory, $"cache-{i}") };
            runs.Add(new FederatedClient(connection, new TorchTrainer(train, heldOut, "cpu"), options).RunAsync(timeout.Token));
        }
        var summaries = await Task.WhenAll(runs);
        foreach (var connection in connections) await connection.DisposeAsync();

        await using var store = await coordinator.OpenStoreAsync();
        var rounds = await store.GetRoundsAsync();
        Assert.Equal([1L, 2L], rounds.Select(r => r.Round));
        Assert.All(rounds, r => Assert.Equal(RoundStatus.Completed, r.Status));
        Assert.Equal(rounds[0].OutputModelHash, rounds[1].InputModelHash);
        Assert.All(summaries, s => Assert.Equal(rounds[1].OutputModelHash, s.FinalModelHash));
        Assert.All(summaries, s => Assert.Equal(4, s.TasksCompleted)); // two fits, two evaluations each

        var initial = ModelFile.Read((await store.GetModelAsync(rounds[0].InputModelHash))!, rounds[0].InputModelHash);
        var afterRound1 = ModelFile.Read((await store.GetModelAsync(rounds[0].OutputModelHash!))!, rounds[0].OutputModelHash);
        var afterRound2 = ModelFile.Read((await store.GetModelAsync(rounds[1].OutputModelHash!))!, rounds[1].OutputModelHash);
        Assert.Equal(2, afterRound2.Round);
        Assert.NotEqual(initial.ContentHash, afterRound1.ContentHash);
        Assert.NotEqual(afterRound1.ContentHash, afterRound2.ContentHash);

        foreach (var round in rounds)
        {
            var tasks = await store.GetTasksAsync(round.Round);
            Assert.Equal(Clients, tasks.Count(t => t.Kind == TaskKind.Fit && t.Status == TaskStatus.Completed));
            Assert.Equal(Clients, tasks.Count(t => t.Kind == TaskKind.Evaluate && t.Status == TaskStatus.Completed));
            Assert.InRange(round.Metrics["federated_accuracy"], 0.3, 1.0);
        }
        Assert.Empty(await store.GetRejectionsAsync());

        // Accuracy on held-out test images, measured here independently of the coordinator.
        var test = FashionMnistData.Test.Take(2000);
        double Accuracy(ModelSnapshot model)
        {
            using var module = TorchModelFactory.Create(model.Architecture!);
            TorchParameters.CopyToModule(module, model.Parameters);
            return TorchEvaluator.Evaluate(module, test, TorchDevices.Resolve("cpu")).Accuracy;
        }
        double chance = Accuracy(initial), first = Accuracy(afterRound1), second = Accuracy(afterRound2);
        Assert.InRange(chance, 0.0, 0.3);
        Assert.True(second > 0.6, $"accuracy after round 2 is {second:0.000}, expected well above chance (0.1)");
        Assert.True(second > first, $"accuracy after round 2 ({second:0.000}) is not above round 1's ({first:0.000})");
    }
}
