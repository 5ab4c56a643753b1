using System.Runtime.CompilerServices;
using Federated.Client;
using Federated.Client.Mqtt;
using Federated.Shared.Training;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Rounds;
using Federated.Protocol;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;
using Federated.Tests.Integration;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Tests.Mqtt;

/// <summary>
/// Whole federations over MQTT against a real coordinator, on the embedded MQTTnet broker and on a
/// Mosquitto process: chunked model downloads from retained chunks, chunked uploads that resume,
/// and a broker restart in the middle of a round.
/// </summary>
public class MqttFederationTests
{
    // 650 parameters: with 1 KiB chunks, models and updates travel in several chunks.
    private const string Model = "input 64; linear 64 10";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private static Dictionary<string, string?> Settings(TestBroker broker, int clients, int rounds, string model = Model)
    {
        var settings = new Dictionary<string, string?>(broker.CoordinatorSettings)
        {
            ["Model"] = model,
            ["Rounds"] = rounds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MinClients"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ClientsPerRound"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MinResults"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RoundTimeout"] = "00:01:00",
            ["FederatedEvaluation"] = "false",
            ["ChunkBytes"] = "1024",
        };
        return settings;
    }

    internal static MqttCoordinatorConnection Connect(TestBroker broker, string device) => new(new MqttConnectionOptions
    {
        Port = broker.Port,
        Federation = "tests",
        DeviceId = device,
        RequestTimeout = TimeSpan.FromSeconds(5),
        DownloadStallTimeout = TimeSpan.FromSeconds(5),
    });

    private static FederatedClientOptions ClientOptions(LoopbackCoordinator coordinator, int index) => new()
    {
        Name = $"device-{index}",
        CacheDirectory = Path.Combine(coordinator.Directory, $"cache-{index}"),
        PollWait = TimeSpan.FromSeconds(2),
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromSeconds(1),
    };

    private static async Task<ClientRunSummary[]> RunDevicesAsync(TestBroker broker, LoopbackCoordinator coordinator, ILocalTrainer[] trainers,
        Action<int, MqttCoordinatorConnection>? configure = null)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var connections = new List<MqttCoordinatorConnection>();
        var runs = new List<Task<ClientRunSummary>>();
        try
        {
            for (int i = 0; i < trainers.Length; i++)
            {
                var connection = Connect(broker, $"device-{i}-{Guid.NewGuid():N}");
                connections.Add(connection);
                configure?.Invoke(i, connection);
                runs.Add(new FederatedClient(connection, trainers[i], ClientOptions(coordinator, i)).RunAsync(timeout.Token));
            }
            return await Task.WhenAll(runs);
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
    }

    private static async Task<(ModelSnapshot Before, ModelSnapshot After)> ModelsAroundAsync(LoopbackCoordinator coordinator, long firstRound, long lastRound)
    {
        await using var store = await coordinator.OpenStoreAsync();
        var first = await store.GetRoundAsync(firstRound);
        var last = await store.GetRoundAsync(lastRound);
        Assert.Equal(RoundStatus.Completed, first!.Status);
        Assert.Equal(RoundStatus.Completed, last!.Status);
        return (ModelFile.Read((await store.GetModelAsync(first.InputModelHash))!), ModelFile.Read((await store.GetModelAsync(last.OutputModelHash!))!));
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Federation_runs_over_mqtt_with_chunked_models_and_updates(string kind)
    {
        await using var broker = await TestBroker.StartAsync(kind);
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 3, rounds: 2));

        var summaries = await RunDevicesAsync(broker, coordinator,
            [new ConstantDeltaTrainer(0.25f, 10), new ConstantDeltaTrainer(0.5f, 30), new ConstantDeltaTrainer(1f, 60)]);

        Assert.All(summaries, s => Assert.Equal(2, s.TasksCompleted));
        var (before, after) = await ModelsAroundAsync(coordinator, 1, 2);
        // Two rounds of FedAvg: (0.25·10 + 0.5·30 + 1·60) / 100 = 0.775 each.
        for (int i = 0; i < after.Parameters.Length; i++)
            Assert.Equal(before.Parameters.Values[i] + 1.55f, after.Parameters.Values[i], 1e-5f);
        await using var store = await coordinator.OpenStoreAsync();
        Assert.Empty(await store.GetRejectionsAsync());
        var round = await store.GetRoundAsync(2);
        // Three devices each fetched the model (several 1 KiB chunks) and sent an update of about the same size.
        Assert.True(round!.Metrics["bytes_sent"] >= 3 * 2600, $"bytes sent {round.Metrics["bytes_sent"]}");
        Assert.True(round.Metrics["bytes_received"] >= 3 * 2600, $"bytes received {round.Metrics["bytes_received"]}");
    }

    /// <summary>
    /// A transfer hook that, the first time the transfer is past <paramref name="bytes"/>, cuts the
    /// connection as a phone losing signal would: the call fails and the task loop retries.
    /// </summary>
    private static Func<long, Task> DropOncePast(MqttCoordinatorConnection connection, long bytes, StrongBox<int> drops) => async position =>
    {
        if (position < bytes || Interlocked.Exchange(ref drops.Value, 1) == 1) return;
        await connection.DropConnectionAsync();
        throw new RpcException(new Status(StatusCode.Unavailable, "signal lost (test)"));
    };

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Device_that_loses_its_connection_mid_upload_resumes_from_the_acknowledged_chunk(string kind)
    {
        await using var broker = await TestBroker.StartAsync(kind);
        // 2,570 parameters: an FP32 update of about 10 KiB, ten chunks.
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 1, rounds: 1, model: "input 256; linear 256 10"));
        MqttCoordinatorConnection? device = null;
        var drops = new StrongBox<int>();

        var summaries = await RunDevicesAsync(broker, coordinator, [new ConstantDeltaTrainer(0.5f, 10)], (_, connection) =>
        {
            device = connection;
            connection.BeforeChunk = DropOncePast(connection, 4096, drops);
        });

        Assert.Equal(1, drops.Value);
        Assert.Equal(1, Assert.Single(summaries).TasksCompleted);
        var layout = ModelArchitecture.Parse("input 256; linear 256 10").Layout;
        long payload = ModelFile.ToBytes(new ModelSnapshot(1, null, new ParameterBuffer(layout))).Length;
        // Every byte of the update crossed once: the retry started at the coordinator's acknowledgement.
        Assert.Equal(payload, device!.UploadedBytes);
        var (before, after) = await ModelsAroundAsync(coordinator, 1, 1);
        Assert.Equal(before.Parameters.Values[0] + 0.5f, after.Parameters.Values[0], 1e-6f);
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Device_that_loses_its_connection_mid_download_resumes_from_the_bytes_it_holds(string kind)
    {
        await using var broker = await TestBroker.StartAsync(kind);
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 1, rounds: 1, model: "input 256; linear 256 10"));
        MqttCoordinatorConnection? device = null;
        var drops = new StrongBox<int>();

        var summaries = await RunDevicesAsync(broker, coordinator, [new ConstantDeltaTrainer(0.5f, 10)], (_, connection) =>
        {
            device = connection;
            connection.AfterDownloadChunk = DropOncePast(connection, 4096, drops);
        });

        Assert.Equal(1, drops.Value);
        Assert.Equal(1, Assert.Single(summaries).TasksCompleted);
        await using var store = await coordinator.OpenStoreAsync();
        var round = await store.GetRoundAsync(1);
        long modelBytes = (await store.GetModelAsync(round!.InputModelHash))!.Length;
        // The model arrived whole (its hash checked by the cache) with no byte fetched twice.
        Assert.Equal(modelBytes, device!.DownloadedBytes);
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Broker_restart_mid_round_loses_no_accepted_result_and_the_round_completes(string kind)
    {
        await using var broker = await TestBroker.StartAsync(kind);
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 3, rounds: 1));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var trainers = new ILocalTrainer[]
        {
            new ConstantDeltaTrainer(0.25f, 10),
            new GatedTrainer(new ConstantDeltaTrainer(0.5f, 30), release.Task),
            new GatedTrainer(new ConstantDeltaTrainer(1f, 60), release.Task),
        };
        var run = RunDevicesAsync(broker, coordinator, trainers);

        // Once the first device's result is accepted, restart the broker under the two still training.
        await WaitUntilAsync(async () =>
        {
            await using var store = await coordinator.OpenStoreAsync();
            var tasks = await store.GetTasksAsync(1);
            return tasks.Count(t => t.Status == TaskStatus.Completed) == 1;
        });
        await broker.RestartAsync(coordinator);
        release.SetResult();
        await run;

        var (before, after) = await ModelsAroundAsync(coordinator, 1, 1);
        for (int i = 0; i < after.Parameters.Length; i++)
            Assert.Equal(before.Parameters.Values[i] + 0.775f, after.Parameters.Values[i], 1e-5f);
        await using var check = await coordinator.OpenStoreAsync();
        Assert.All(await check.GetTasksAsync(1), t => Assert.Equal(TaskStatus.Completed, t.Status));
    }

    [Fact]
    public async Task Device_offline_past_its_deadline_abandons_the_stale_task_and_takes_the_next_one()
    {
        await using var broker = await TestBroker.StartAsync("embedded");
        var settings = Settings(broker, clients: 2, rounds: 2);
        settings["MinResults"] = "1";
        settings["RoundTimeout"] = "00:00:03";
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings);
        MqttCoordinatorConnection? phone = null;
        var trainers = new ILocalTrainer[]
        {
            new ConstantDeltaTrainer(0.25f, 10),
            new OfflineOnceTrainer(new ConstantDeltaTrainer(1f, 10), () => phone!.DropConnectionAsync()),
        };

        var summaries = await RunDevicesAsync(broker, coordinator, trainers, (i, connection) =>
        {
            if (i == 1) phone = connection;
        });

        Assert.Equal(2, summaries[0].TasksCompleted);
        Assert.Equal(1, summaries[1].TasksCompleted);
        await using var store = await coordinator.OpenStoreAsync();
        var first = await store.GetTasksAsync(1);
        Assert.Single(first, t => t.Status == TaskStatus.Completed);
        Assert.Single(first, t => t.Status == TaskStatus.TimedOut);
        // Round 2 has both devices' updates: (0.25 + 1) / 2.
        Assert.All(await store.GetTasksAsync(2), t => Assert.Equal(TaskStatus.Completed, t.Status));
        var (before, after) = await ModelsAroundAsync(coordinator, 2, 2);
        Assert.Equal(before.Parameters.Values[0] + 0.625f, after.Parameters.Values[0], 1e-6f);
    }

    [Fact]
    public async Task Device_that_disappears_is_announced_by_its_last_will_and_not_selected()
    {
        await using var broker = await TestBroker.StartAsync("embedded");
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker, clients: 5, rounds: 1));
        await using var device = Connect(broker, "phone-1");
        var joined = await device.JoinAsync(new JoinRequest { Name = "phone" }, CancellationToken.None);
        var registry = coordinator.Services.GetRequiredService<ClientRegistry>();
        Assert.Contains(joined.ClientId, registry.Available(TimeSpan.FromMinutes(1)));

        await device.DropConnectionAsync();

        await WaitUntilAsync(() => Task.FromResult(!registry.Available(TimeSpan.FromMinutes(1)).Contains(joined.ClientId)));
    }

    /// <summary>Waits for a condition the system reaches on its own (a broker delivering a will, a store write), failing after a generous bound.</summary>
    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(20);
        }
    }
}

/// <summary>Trains only once the test lets it, so a test can act while a round is open.</summary>
internal sealed class GatedTrainer(ILocalTrainer inner, Task gate) : ILocalTrainer
{
    public async Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        return await inner.FitAsync(architecture, global, config, cancellationToken);
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        inner.EvaluateAsync(architecture, parameters, cancellationToken);
}

/// <summary>Loses its connection while training its first task and stays away past the task's deadline; later tasks train normally.</summary>
internal sealed class OfflineOnceTrainer(ILocalTrainer inner, Func<Task> goOffline) : ILocalTrainer
{
    private int _calls;

    public async Task<FitOutcome> FitAsync(ModelArchitecture architecture, ParameterBuffer global, TrainingConfig config, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _calls) == 1)
        {
            await goOffline();
            // Away until the task's deadline cancels the work.
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        return await inner.FitAsync(architecture, global, config, cancellationToken);
    }

    public Task<EvaluationOutcome> EvaluateAsync(ModelArchitecture architecture, ParameterBuffer parameters, CancellationToken cancellationToken) =>
        inner.EvaluateAsync(architecture, parameters, cancellationToken);
}
