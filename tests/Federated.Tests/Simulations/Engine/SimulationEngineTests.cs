using Federated.Coordinator.Persistence;
using Federated.Simulations.Engine;
using Federated.Simulations.Scenarios;
using Federated.Tests.Torch;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Tests.Simulations.Engine;

/// <summary>Whole simulations on real Fashion-MNIST with a small model, through the production coordinator and clients.</summary>
[Collection(TorchTestGroup.Name)]
public sealed class SimulationEngineTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "federated-tests", "sim-" + Guid.NewGuid().ToString("N"));

    private SimulationScenario Small(int seed = 7) => new()
    {
        Name = "test",
        Dataset = "fashion-mnist",
        TestLimit = 2000,
        Model = "logreg",
        Partition = new PartitionSpec { Kind = "iid" },
        Clients = 12,
        ClientsPerRound = 4,
        Rounds = 2,
        Training = new LocalTraining { Epochs = 1, BatchSize = 32, LearningRate = 0.05, Momentum = 0.9 },
        Seed = seed,
        Workers = 2,
        OutputDirectory = _output,
    };

    private static async Task<(Federated.Simulations.Reporting.SimulationResult Result, RecordingObserver Observer)> RunAsync(SimulationScenario scenario)
    {
        var observer = new RecordingObserver();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await new SimulationEngine().RunAsync(scenario, observer, timeout.Token);
        return (result, observer);
    }

    [Fact]
    public async Task Small_federation_trains_and_reports_every_round()
    {
        var (result, observer) = await RunAsync(Small());

        Assert.Equal(2, result.Rounds.Count);
        Assert.Equal(observer.Rounds, result.Rounds);
        Assert.All(result.Rounds, r =>
        {
            Assert.True(r.Completed);
            Assert.Equal(4, r.Selected);
            Assert.Equal(4, r.Participants);
            Assert.Equal(0, r.Failures);
            Assert.True(r.BytesSent > 0 && r.BytesReceived > 0);
            Assert.True(r.TrainingSeconds > 0 && r.TrainingSeconds <= r.WallSeconds);
        });
        Assert.InRange(result.Rounds[0].Accuracy, 0.5, 1.0);
        Assert.True(result.Rounds[1].Accuracy > result.Rounds[0].Accuracy - 0.02, "accuracy fell after round 2");
        Assert.True(File.Exists(Path.Combine(result.OutputDirectory, "label-histogram.csv")));
        Assert.Contains("Fashion-MNIST", observer.DatasetDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_seed_gives_the_same_rounds_and_another_seed_does_not()
    {
        var first = (await RunAsync(Small(seed: 3))).Result.Rounds;
        var second = (await RunAsync(Small(seed: 3))).Result.Rounds;
        var other = (await RunAsync(Small(seed: 4))).Result.Rounds;

        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Accuracy, second[i].Accuracy);
            Assert.Equal(first[i].Loss, second[i].Loss);
        }
        Assert.NotEqual(first[^1].Loss, other[^1].Loss);
    }

    [Fact]
    public async Task Rounds_with_dropouts_and_offline_clients_complete_with_the_survivors()
    {
        var scenario = Small() with
        {
            Rounds = 3,
            ClientsPerRound = 6,
            MinResults = 1,
            Faults = new FaultSpec { DropoutProbability = 0.4, UnavailableProbability = 0.3 },
        };
        var (result, _) = await RunAsync(scenario);

        Assert.All(result.Rounds, r => Assert.True(r.Completed));
        Assert.True(result.Rounds.Sum(r => r.Failures) > 0, "no client dropped out at a 40% dropout rate");
        Assert.All(result.Rounds, r => Assert.Equal(r.Selected, r.Participants + r.Failures));

        await using var store = new SqliteCoordinatorStore(Path.Combine(result.OutputDirectory, "coordinator.db"));
        await store.InitializeAsync();
        int timedOut = 0;
        foreach (var round in result.Rounds)
            timedOut += (await store.GetTasksAsync(round.Round)).Count(t => t.Status == TaskStatus.TimedOut);
        Assert.Equal(result.Rounds.Sum(r => r.Failures), timedOut);
    }

    [Fact]
    public async Task Stragglers_slower_than_the_deadline_count_as_failures()
    {
        var scenario = Small() with
        {
            MinResults = 1,
            RoundTimeoutSeconds = 60,
            // 1,250 examples per client ≈ 40 steps; ×0.1 s ×100 = 400 s, past the 60 s deadline.
            Faults = new FaultSpec { StragglerFraction = 0.5, StragglerSlowdown = 100, SecondsPerStep = 0.1 },
        };
        var (result, _) = await RunAsync(scenario);
        Assert.True(result.Rounds.Sum(r => r.Failures) > 0, "no straggler missed the deadline");
        Assert.True(result.Rounds.Sum(r => r.Participants) > 0, "no client met the deadline");
        Assert.All(result.Rounds, r => Assert.Equal(r.Selected, r.Participants + r.Failures));
    }

    public void Dispose()
    {
        if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
    }
}
