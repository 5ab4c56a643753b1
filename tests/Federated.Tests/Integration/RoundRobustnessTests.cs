using Federated.Client;
using Federated.Client.Connection;
using Federated.Coordinator.Persistence;
using Federated.Protocol;
using Federated.Shared.Models;
using Federated.Shared.Serialization;
using Federated.Shared.Training;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Tests.Integration;

/// <summary>
/// A real coordinator over loopback gRPC with scripted clients: bad updates, silent clients and
/// forged results must be refused and recorded while the round still completes.
/// </summary>
public class RoundRobustnessTests
{
    private const string TinyModel = "input 4; linear 4 3";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private static Dictionary<string, string?> Settings(string roundTimeout) => new()
    {
        ["Model"] = TinyModel,
        ["Rounds"] = "1",
        ["MinClients"] = "3",
        ["ClientsPerRound"] = "3",
        ["MinResults"] = "2",
        ["RoundTimeout"] = roundTimeout,
        ["FederatedEvaluation"] = "false",
    };

    private static Task<ClientRunSummary[]> RunClientsAsync(LoopbackCoordinator coordinator, params ILocalTrainer[] trainers) =>
        RunClientsAsync(coordinator, _ => { }, trainers);

    private static async Task<ClientRunSummary[]> RunClientsAsync(LoopbackCoordinator coordinator, Action<FederatedClientOptions> configure, params ILocalTrainer[] trainers)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var runs = new List<Task<ClientRunSummary>>();
        var connections = new List<GrpcCoordinatorConnection>();
        for (int i = 0; i < trainers.Length; i++)
        {
            var connection = new GrpcCoordinatorConnection(coordinator.Address);
            connections.Add(connection);
            var options = new FederatedClientOptions { Name = $"client-{i}", CacheDirectory = Path.Combine(coordinator.Directory, $"cache-{i}") };
            if (i == trainers.Length - 1) configure(options);
            runs.Add(new FederatedClient(connection, trainers[i], options).RunAsync(timeout.Token));
        }
        try
        {
            return await Task.WhenAll(runs);
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Poisoned_update_is_rejected_and_recorded_and_the_round_aggregates_the_rest()
    {
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings("00:01:00"));
        await RunClientsAsync(coordinator, new ConstantDeltaTrainer(0.25f, 10), new ConstantDeltaTrainer(0.5f, 30), new ConstantDeltaTrainer(float.NaN, 10));

        await using var store = await coordinator.OpenStoreAsync();
        var round = await store.GetRoundAsync(1);
        Assert.NotNull(round);
        Assert.Equal(RoundStatus.Completed, round.Status);
        var before = ModelFile.Read((await store.GetModelAsync(round.InputModelHash))!);
        var after = ModelFile.Read((await store.GetModelAsync(round.OutputModelHash!))!);
        // FedAvg of the two sound updates only: (0.25·10 + 0.5·30) / 40.
        for (int i = 0; i < after.Parameters.Length; i++)
            Assert.Equal(before.Parameters.Values[i] + 0.4375f, after.Parameters.Values[i], 1e-6f);

        var tasks = await store.GetTasksAsync(1);
        Assert.Equal(3, tasks.Count);
        Assert.Equal(2, tasks.Count(t => t.Status == TaskStatus.Completed));
        var rejected = Assert.Single(tasks, t => t.Status == TaskStatus.Rejected);
        var rejection = Assert.Single(await store.GetRejectionsAsync());
        Assert.Equal(rejected.TaskId, rejection.TaskId);
        Assert.Contains("NaN", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(2, (await store.GetResultsAsync(1)).Count);
    }

    [Fact]
    public async Task Client_missing_the_deadline_is_recorded_and_the_round_completes_without_it()
    {
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings("00:00:03"));
        var summaries = await RunClientsAsync(coordinator, new ConstantDeltaTrainer(0.1f, 5), new ConstantDeltaTrainer(0.1f, 5), new SilentTrainer());

        Assert.All(summaries, s => Assert.NotNull(s.FinalModelHash));
        await using var store = await coordinator.OpenStoreAsync();
        var round = await store.GetRoundAsync(1);
        Assert.Equal(RoundStatus.Completed, round!.Status);
        var tasks = await store.GetTasksAsync(1);
        var timedOut = Assert.Single(tasks, t => t.Status == TaskStatus.TimedOut);
        Assert.Contains("deadline", timedOut.Reason, StringComparison.Ordinal);
        Assert.Equal(round.OutputModelHash, summaries[0].FinalModelHash);
    }

    [Fact]
    public async Task Restarted_coordinator_resumes_from_the_last_completed_round()
    {
        string directory = Path.Combine(Path.GetTempPath(), "federated-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string firstOutput;
            await using (var first = await LoopbackCoordinator.StartAsync(Settings("00:01:00"), directory: directory))
            {
                await RunClientsAsync(first, new ConstantDeltaTrainer(1f, 1), new ConstantDeltaTrainer(1f, 1), new ConstantDeltaTrainer(1f, 1));
                await using var store = await first.OpenStoreAsync();
                firstOutput = (await store.GetRoundAsync(1))!.OutputModelHash!;
            }

            var settings = Settings("00:01:00");
            settings["Rounds"] = "2";
            await using var second = await LoopbackCoordinator.StartAsync(settings, directory: directory);
            await RunClientsAsync(second, new ConstantDeltaTrainer(1f, 1), new ConstantDeltaTrainer(1f, 1), new ConstantDeltaTrainer(1f, 1));
            await using var reopened = await second.OpenStoreAsync();
            var rounds = await reopened.GetRoundsAsync();
            Assert.Equal([1L, 2L], rounds.Select(r => r.Round));
            Assert.Equal(firstOutput, rounds[1].InputModelHash);
            var initial = ModelFile.Read((await reopened.GetModelAsync(rounds[0].InputModelHash))!);
            var final = ModelFile.Read((await reopened.GetModelAsync(rounds[1].OutputModelHash!))!);
            Assert.Equal(initial.Parameters.Values[0] + 2f, final.Parameters.Values[0], 1e-5f);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Strategy_chosen_by_name_in_configuration_aggregates_the_round()
    {
        // Coordinate-wise median of 0.1, 0.2 and a wild 50: the outlier does not move the model.
        var settings = Settings("00:01:00");
        settings["Strategy:Name"] = "fedmedian";
        settings["MinResults"] = "3";
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings);
        await RunClientsAsync(coordinator, new ConstantDeltaTrainer(0.1f, 10), new ConstantDeltaTrainer(0.2f, 10), new ConstantDeltaTrainer(50f, 10));

        await using var store = await coordinator.OpenStoreAsync();
        var round = (await store.GetRoundAsync(1))!;
        var before = ModelFile.Read((await store.GetModelAsync(round.InputModelHash))!);
        var after = ModelFile.Read((await store.GetModelAsync(round.OutputModelHash!))!);
        for (int i = 0; i < after.Parameters.Length; i++)
            Assert.Equal(before.Parameters.Values[i] + 0.2f, after.Parameters.Values[i], 1e-6f);
    }

    [Fact]
    public async Task Server_optimizer_state_survives_a_coordinator_restart()
    {
        // Two FedAdam rounds straight must equal one round, a restart, and the second round.
        var settings = Settings("00:01:00");
        settings["Strategy:Name"] = "fedadam";
        settings["Rounds"] = "2";
        ILocalTrainer[] Trainers() => [new ConstantDeltaTrainer(0.3f, 1), new ConstantDeltaTrainer(0.1f, 1), new ConstantDeltaTrainer(0.2f, 1)];

        string straight;
        await using (var uninterrupted = await LoopbackCoordinator.StartAsync(settings))
        {
            await RunClientsAsync(uninterrupted, Trainers());
            await using var store = await uninterrupted.OpenStoreAsync();
            straight = (await store.GetRoundAsync(2))!.OutputModelHash!;
        }

        string directory = Path.Combine(Path.GetTempPath(), "federated-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var first = new Dictionary<string, string?>(settings) { ["Rounds"] = "1" };
            await using (var before = await LoopbackCoordinator.StartAsync(first, directory: directory))
                await RunClientsAsync(before, Trainers());
            await using var after = await LoopbackCoordinator.StartAsync(settings, directory: directory);
            await RunClientsAsync(after, Trainers());
            await using var reopened = await after.OpenStoreAsync();
            Assert.Equal(straight, (await reopened.GetRoundAsync(2))!.OutputModelHash);
            Assert.NotNull(await reopened.GetStrategyStateAsync(1));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Quantized_models_and_updates_are_negotiated_per_client_and_counted()
    {
        var settings = Settings("00:01:00");
        settings["ModelCodecs:0"] = "Int8";
        settings["UpdateCodecs:0"] = "Int8Stochastic";
        settings["MinResults"] = "3";
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings);
        // The last client declares no codecs: it must get (and send) FP32.
        await RunClientsAsync(coordinator, options => options.Codecs.Clear(),
            new ConstantDeltaTrainer(0.25f, 1), new ConstantDeltaTrainer(0.25f, 1), new ConstantDeltaTrainer(0.25f, 1));

        await using var store = await coordinator.OpenStoreAsync();
        var round = (await store.GetRoundAsync(1))!;
        Assert.Equal(RoundStatus.Completed, round.Status);
        Assert.Equal(2, round.Metrics["model_codec_int8"]);
        Assert.Equal(1, round.Metrics["model_codec_fp32"]);
        Assert.Equal(2, round.Metrics["update_codec_int8stochastic"]);
        Assert.Equal(1, round.Metrics["update_codec_fp32"]);
        Assert.True(round.Metrics["bytes_sent"] > 0 && round.Metrics["bytes_received"] > 0);

        var before = ModelFile.Read((await store.GetModelAsync(round.InputModelHash))!);
        var after = ModelFile.Read((await store.GetModelAsync(round.OutputModelHash!))!);
        // Each client's Δ is relative to the model it received (quantized for two of them) and
        // sent through INT8: the mean moves each parameter by 0.25 up to the quantization steps.
        for (int i = 0; i < after.Parameters.Length; i++)
            Assert.Equal(before.Parameters.Values[i] + 0.25f, after.Parameters.Values[i], 0.01f);
    }

    [Fact]
    public async Task Top_k_client_sends_only_its_largest_entries()
    {
        var settings = Settings("00:01:00");
        settings["MinResults"] = "3";
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings);
        // The last client keeps 10% of its 15 entries (2; equal magnitudes, so the first two).
        await RunClientsAsync(coordinator, options => options.TopKFraction = 0.1,
            new ConstantDeltaTrainer(0.3f, 1), new ConstantDeltaTrainer(0.3f, 1), new ConstantDeltaTrainer(0.3f, 1));

        await using var store = await coordinator.OpenStoreAsync();
        var round = (await store.GetRoundAsync(1))!;
        float[] before = ModelFile.Read((await store.GetModelAsync(round.InputModelHash))!).Parameters.Array;
        float[] after = ModelFile.Read((await store.GetModelAsync(round.OutputModelHash!))!).Parameters.Array;
        Assert.Equal(0.3f, after[0] - before[0], 1e-6f);
        Assert.Equal(0.3f, after[1] - before[1], 1e-6f);
        for (int i = 2; i < after.Length; i++) Assert.Equal(0.2f, after[i] - before[i], 1e-6f);
    }

    [Fact]
    public async Task Results_for_tasks_never_issued_and_malformed_uploads_are_refused_and_recorded()
    {
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings("00:01:00"));
        await using var connection = new GrpcCoordinatorConnection(coordinator.Address);
        using var timeout = new CancellationTokenSource(TestTimeout);
        var joined = await connection.JoinAsync(new JoinRequest { Name = "forger" }, timeout.Token);

        var forged = await connection.UploadResultAsync(
            new ResultHeader { ClientId = joined.ClientId, TaskId = "r1-fit-0-forged", ExampleCount = 10, PayloadBytes = 3 }, new byte[] { 1, 2, 3 }, 1024, timeout.Token);
        Assert.False(forged.Accepted);
        Assert.Contains("never issued", forged.Reason, StringComparison.Ordinal);

        var short_ = await connection.UploadResultAsync(
            new ResultHeader { ClientId = joined.ClientId, TaskId = "r1-fit-1-forged", ExampleCount = 10, PayloadBytes = 100 }, new byte[] { 1, 2, 3 }, 1024, timeout.Token);
        Assert.False(short_.Accepted);
        Assert.Contains("3 of the declared 100 bytes", short_.Reason, StringComparison.Ordinal);

        var stranger = await connection.UploadResultAsync(
            new ResultHeader { ClientId = "nobody", TaskId = "x", ExampleCount = 1 }, ReadOnlyMemory<byte>.Empty, 1024, timeout.Token);
        Assert.False(stranger.Accepted);
        Assert.Contains("unknown client", stranger.Reason, StringComparison.Ordinal);

        await using var store = await coordinator.OpenStoreAsync();
        var rejections = await store.GetRejectionsAsync();
        Assert.Equal(3, rejections.Count);
        Assert.All(rejections, r => Assert.Null(r.TaskId));
        Assert.Equal(joined.ClientId, rejections[0].ClientId);
    }
}
