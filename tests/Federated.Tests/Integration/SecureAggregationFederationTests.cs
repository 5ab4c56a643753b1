using Federated.Client;
using Federated.Client.Connection;
using Federated.Coordinator.Persistence;
using Federated.Protocol;
using Federated.Shared.Serialization;
using Federated.Shared.Training;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;
using Federated.Client.SecureAggregation;

namespace Federated.Tests.Integration;

/// <summary>
/// Secure aggregation end to end: a real coordinator on loopback gRPC, real clients, the SecAgg+
/// protocol in between. The round's model must move by the example-weighted mean of the updates
/// that made it, while the coordinator keeps nothing per client.
/// </summary>
public class SecureAggregationFederationTests
{
    private const string TinyModel = "input 4; linear 4 3";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private static Dictionary<string, string?> Settings(int clients) => new()
    {
        ["Model"] = TinyModel,
        ["Rounds"] = "1",
        ["MinClients"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ClientsPerRound"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MinResults"] = "2",
        ["RoundTimeout"] = "00:01:00",
        ["FederatedEvaluation"] = "false",
        ["SecureAggregation:Enabled"] = "true",
        // Silent clients hold a phase until this passes.
        ["SecureAggregation:PhaseTimeout"] = "00:00:04",
    };

    private static async Task RunClientsAsync(LoopbackCoordinator coordinator, ILocalTrainer[] trainers, Func<int, ICoordinatorConnection, ICoordinatorConnection>? wrap = null)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var runs = new List<Task<ClientRunSummary>>();
        var connections = new List<ICoordinatorConnection>();
        for (int i = 0; i < trainers.Length; i++)
        {
            ICoordinatorConnection connection = new GrpcCoordinatorConnection(coordinator.Address);
            if (wrap is not null) connection = wrap(i, connection);
            connections.Add(connection);
            var options = new FederatedClientOptions { Name = $"site-{i}", CacheDirectory = Path.Combine(coordinator.Directory, $"cache-{i}"), SecureAggregation = new SecureAggregationParticipant() };
            runs.Add(new FederatedClient(connection, trainers[i], options).RunAsync(timeout.Token));
        }
        try
        {
            await Task.WhenAll(runs);
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
    }

    private static async Task<(RoundRecord Round, float[] Moved)> RoundOneAsync(LoopbackCoordinator coordinator)
    {
        await using var store = await coordinator.OpenStoreAsync();
        var round = (await store.GetRoundAsync(1))!;
        var before = ModelFile.Read((await store.GetModelAsync(round.InputModelHash))!);
        if (round.OutputModelHash is null) return (round, []);
        var after = ModelFile.Read((await store.GetModelAsync(round.OutputModelHash))!);
        var moved = new float[after.Parameters.Length];
        for (int i = 0; i < moved.Length; i++) moved[i] = after.Parameters.Values[i] - before.Parameters.Values[i];
        return (round, moved);
    }

    [Fact]
    public async Task Secure_round_moves_the_model_by_the_weighted_mean_and_stores_nothing_per_client()
    {
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(4));
        await RunClientsAsync(coordinator,
            [new ConstantDeltaTrainer(0.1f, 10), new ConstantDeltaTrainer(0.2f, 20), new ConstantDeltaTrainer(-0.3f, 30), new ConstantDeltaTrainer(0.4f, 40)]);

        var (round, moved) = await RoundOneAsync(coordinator);
        Assert.True(round.Status == RoundStatus.Completed, $"round 1 {round.Status}: {round.FailureReason}");
        // (0.1·10 + 0.2·20 − 0.3·30 + 0.4·40) / 100, up to the fixed-point error.
        Assert.All(moved, m => Assert.Equal(0.12f, m, 1e-4f));
        Assert.Equal(4, round.Metrics["fit_results"]);
        Assert.Equal(4, round.Metrics["secagg_included"]);
        Assert.Equal(3, round.Metrics["secagg_neighbour_degree"]);

        await using var store = await coordinator.OpenStoreAsync();
        Assert.All(await store.GetTasksAsync(1), t => Assert.Equal(TaskStatus.Completed, t.Status));
        // No per-client result (metrics, example counts) is kept: only the round's sum ever existed in the clear.
        Assert.Empty(await store.GetResultsAsync(1));
        Assert.Empty(await store.GetRejectionsAsync());
    }

    [Fact]
    public async Task A_client_lost_before_its_masked_input_is_left_out_and_the_others_are_summed()
    {
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(5));
        await RunClientsAsync(coordinator,
            [new ConstantDeltaTrainer(0.1f, 10), new ConstantDeltaTrainer(0.3f, 10), new ConstantDeltaTrainer(0.5f, 20), new ConstantDeltaTrainer(0.7f, 10), new ConstantDeltaTrainer(9f, 50)],
            (i, connection) => i == 4 ? new SecureStepFaults(connection, SecurePhase.MaskedInput, drop: true) : connection);

        var (round, moved) = await RoundOneAsync(coordinator);
        Assert.True(round.Status == RoundStatus.Completed, $"round 1 {round.Status}: {round.FailureReason}");
        // The lost client's pairwise masks were removed with its revealed key shares; its update is not in the sum.
        Assert.All(moved, m => Assert.Equal((0.1f * 10 + 0.3f * 10 + 0.5f * 20 + 0.7f * 10) / 50, m, 1e-4f));
        Assert.Equal(4, round.Metrics["secagg_included"]);
        await using var store = await coordinator.OpenStoreAsync();
        var tasks = await store.GetTasksAsync(1);
        Assert.Equal(4, tasks.Count(t => t.Status == TaskStatus.Completed));
        var lost = Assert.Single(tasks, t => t.Status != TaskStatus.Completed);
        Assert.Contains("secure aggregation", lost.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_few_survivors_abort_the_round_and_reveal_nothing()
    {
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(5));
        await RunClientsAsync(coordinator,
            [new ConstantDeltaTrainer(0.1f, 10), new ConstantDeltaTrainer(0.2f, 10), new ConstantDeltaTrainer(0.3f, 10), new ConstantDeltaTrainer(0.4f, 10), new ConstantDeltaTrainer(0.5f, 10)],
            (i, connection) => i >= 2 ? new SecureStepFaults(connection, SecurePhase.MaskedInput, drop: true) : connection);

        var (round, moved) = await RoundOneAsync(coordinator);
        Assert.Equal(RoundStatus.Failed, round.Status);
        Assert.Empty(moved);
        Assert.Contains("secure aggregation aborted", round.FailureReason, StringComparison.Ordinal);
        Assert.Equal(0, round.Metrics["secagg_included"]);
    }

    [Fact]
    public async Task A_malformed_step_is_refused_and_recorded_and_the_round_completes_without_its_sender()
    {
        // Five sites (classic k = 4, t = 3), so the round survives losing the forger.
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(5));
        await RunClientsAsync(coordinator,
            [new ConstantDeltaTrainer(0.2f, 10), new ConstantDeltaTrainer(0.4f, 10), new ConstantDeltaTrainer(0.6f, 20), new ConstantDeltaTrainer(0.8f, 10), new ConstantDeltaTrainer(5f, 10)],
            (i, connection) => i == 4 ? new SecureStepFaults(connection, SecurePhase.AdvertiseKeys, drop: false, tamper: bytes => bytes[..^3]) : connection);

        var (round, moved) = await RoundOneAsync(coordinator);
        Assert.True(round.Status == RoundStatus.Completed, $"round 1 {round.Status}: {round.FailureReason}");
        Assert.All(moved, m => Assert.Equal((0.2f * 10 + 0.4f * 10 + 0.6f * 20 + 0.8f * 10) / 50, m, 1e-4f));
        await using var store = await coordinator.OpenStoreAsync();
        var rejection = Assert.Single(await store.GetRejectionsAsync(), r => r.Reason.Contains("malformed advertise-keys message", StringComparison.Ordinal));
        Assert.Equal(1, rejection.Round);
    }
}
