using Federated.Client;
using Federated.Client.Connection;
using Federated.Coordinator.Persistence;
using Federated.Shared.Serialization;

namespace Federated.Tests.Integration;

/// <summary>
/// FedAvg builds each round's model in the array of the model two rounds back, and the coordinator
/// checks model-file updates in place: over several rounds, every model must still be the one its
/// round computed, as stored, as hashed, and as the clients were told.
/// </summary>
public class RoundModelReuseTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Every_round_model_is_stored_with_its_hash_and_the_expected_values()
    {
        const int Rounds = 4;
        await using var coordinator = await LoopbackCoordinator.StartAsync(new Dictionary<string, string?>
        {
            ["Model"] = "input 6; linear 6 5; relu; linear 5 3",
            ["Rounds"] = Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MinClients"] = "2",
            ["ClientsPerRound"] = "2",
            ["MinResults"] = "2",
            ["FederatedEvaluation"] = "true",
        });

        using var timeout = new CancellationTokenSource(TestTimeout);
        var connections = new[] { new GrpcCoordinatorConnection(coordinator.Address), new GrpcCoordinatorConnection(coordinator.Address) };
        ClientRunSummary[] summaries;
        try
        {
            summaries = await Task.WhenAll(
                new FederatedClient(connections[0], new ConstantDeltaTrainer(0.25f, 10), new FederatedClientOptions { Name = "a", CacheDirectory = Path.Combine(coordinator.Directory, "cache-a") }).RunAsync(timeout.Token),
                new FederatedClient(connections[1], new ConstantDeltaTrainer(0.5f, 30), new FederatedClientOptions { Name = "b", CacheDirectory = Path.Combine(coordinator.Directory, "cache-b") }).RunAsync(timeout.Token));
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }

        await using var store = await coordinator.OpenStoreAsync();
        var rounds = await store.GetRoundsAsync();
        Assert.Equal(Rounds, rounds.Count);
        var initial = ModelFile.Read((await store.GetModelAsync(rounds[0].InputModelHash))!, rounds[0].InputModelHash);
        for (int r = 0; r < Rounds; r++)
        {
            Assert.Equal(RoundStatus.Completed, rounds[r].Status);
            if (r > 0) Assert.Equal(rounds[r - 1].OutputModelHash, rounds[r].InputModelHash);
            // Reading with the expected hash checks the stored bytes against the round's content hash.
            var model = ModelFile.Read((await store.GetModelAsync(rounds[r].OutputModelHash!))!, rounds[r].OutputModelHash);
            // FedAvg of 0.25 (10 examples) and 0.5 (30 examples) adds 0.4375 per round.
            for (int i = 0; i < model.Parameters.Length; i++)
                Assert.Equal(initial.Parameters.Values[i] + 0.4375f * (r + 1), model.Parameters.Values[i], 1e-5f);
        }
        Assert.All(summaries, s => Assert.Equal(rounds[^1].OutputModelHash, s.FinalModelHash));
    }
}
