using Federated.Client.Torch;
using Federated.Coordinator.Options;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Strategies;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Serialization;
using Federated.Simulations.Partitioning;
using Federated.Simulations.Reporting;
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

    private static async Task<(SimulationResult Result, RecordingObserver Observer)> RunAsync(SimulationScenario scenario)
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

        // The final global model is left in the run folder for the edge tools: the last round's output, checksummed.
        Assert.Equal(Path.Combine(result.OutputDirectory, SimulationEngine.FinalModelFile), result.ModelPath);
        ModelSnapshot model = ModelFile.ReadFile(result.ModelPath!);
        Assert.Equal(2, model.Round);
        Assert.Equal(ModelZoo.LogisticRegression(784, 10), model.Architecture);
        await using var store = new SqliteCoordinatorStore(Path.Combine(result.OutputDirectory, "coordinator.db"));
        await store.InitializeAsync();
        Assert.Equal((await store.GetRoundAsync(2))!.OutputModelHash, model.ContentHash);
    }

    [Fact]
    public async Task Reports_plot_and_summary_land_in_the_run_folder_and_accuracy_rises()
    {
        var console = new StringWriter();
        SimulationResult result;
        using (var observer = new ReportingObserver(new ProgressReporter(console)))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            // A small learning rate keeps logistic regression from plateauing in round 1, so the rise is visible.
            var slow = Small() with { Rounds = 3, Training = new LocalTraining { LearningRate = 0.002, Momentum = 0, BatchSize = 32 } };
            result = await new SimulationEngine().RunAsync(slow, observer, timeout.Token);
            observer.Complete(result);
        }

        foreach (string file in new[] { "rounds.csv", "rounds.json", "summary.txt", "summary.json", "accuracy-loss.png", "label-histogram.csv", "coordinator.db" })
            Assert.True(File.Exists(Path.Combine(result.OutputDirectory, file)), $"{file} is missing");
        Assert.Equal(4, File.ReadAllLines(Path.Combine(result.OutputDirectory, "rounds.csv")).Length);
        Assert.Contains("Final accuracy", console.ToString(), StringComparison.Ordinal);
        Assert.Contains("accuracy-loss.png", console.ToString(), StringComparison.Ordinal);
        Assert.True(result.Rounds[^1].Accuracy > result.Rounds[0].Accuracy,
            $"accuracy did not rise: {string.Join(", ", result.Rounds.Select(r => r.Accuracy))}");
        Assert.True(result.PeakMemoryBytes > 0);
    }

    [Fact]
    public async Task Byzantine_clients_drag_plain_fedavg_down()
    {
        var honest = (await RunAsync(Small())).Result.Rounds[^1].Accuracy;
        var attacked = (await RunAsync(Small() with
        {
            Faults = new FaultSpec { ByzantineFraction = 0.4, ByzantineAttack = "signflip", ByzantineScale = 5 },
        })).Result.Rounds[^1].Accuracy;
        Assert.True(attacked < honest - 0.2, $"accuracy with 40% sign-flipping clients {attacked:0.000}, honest {honest:0.000}");
    }

    [Fact]
    public async Task Krum_resists_the_sign_flipping_clients_that_break_fedavg()
    {
        var attack = new FaultSpec { ByzantineFraction = 0.25, ByzantineAttack = "signflip", ByzantineScale = 5 };
        var robust = Small() with
        {
            ClientsPerRound = 8,
            MinResults = 7, // Multi-Krum with f = 2 needs n ≥ 2f + 3
            Faults = attack,
            Strategy = new StrategySpec { Name = "multikrum", Options = new() { ByzantineClients = 2 } },
        };
        var defended = (await RunAsync(robust)).Result.Rounds[^1].Accuracy;
        var undefended = (await RunAsync(robust with { Strategy = new StrategySpec() })).Result.Rounds[^1].Accuracy;
        Assert.True(defended > undefended + 0.1, $"Multi-Krum {defended:0.000}, FedAvg {undefended:0.000} under attack");
        Assert.InRange(defended, 0.6, 1.0);
    }

    [Fact]
    public async Task Loopback_mode_runs_every_virtual_client_over_real_grpc()
    {
        var (result, _) = await RunAsync(Small() with { Loopback = true });
        Assert.All(result.Rounds, r => Assert.Equal(r.Selected, r.Participants));
        Assert.InRange(result.Rounds[^1].Accuracy, 0.5, 1.0);
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

    [Fact]
    public async Task One_client_with_all_the_data_matches_centralised_training()
    {
        // Fidelity: FedAvg over a single client is exactly one local run, so the global model
        // after round 1 must equal a plain TorchSharp epoch with the same seed and batch order.
        var scenario = Small() with { Model = "mlp", Clients = 1, ClientsPerRound = 1, Rounds = 1, Workers = 1 };
        var (result, _) = await RunAsync(scenario);

        await using var store = new SqliteCoordinatorStore(Path.Combine(result.OutputDirectory, "coordinator.db"));
        await store.InitializeAsync();
        var round = (await store.GetRoundAsync(1))!;
        var initial = ModelFile.Read((await store.GetModelAsync(round.InputModelHash))!);
        var federated = ModelFile.Read((await store.GetModelAsync(round.OutputModelHash!))!);

        var train = FashionMnistLocator.Resolve().Load(FashionMnistSplit.Train);
        int[] order = new IidPartitioner().Partition(train, 1, scenario.Seed)[0];
        var options = new FederationOptions { Seed = scenario.Seed };
        options.Training.LearningRate = scenario.Training.LearningRate;
        options.Training.Momentum = scenario.Training.Momentum;
        options.Training.BatchSize = scenario.Training.BatchSize;
        var config = new FedAvgStrategy(Microsoft.Extensions.Options.Options.Create(options)).ConfigureFit(1, "any", 0);
        var centralised = await new TorchTrainer(train.Select(order), null, "cpu", threads: Environment.ProcessorCount)
            .FitAsync(initial.Architecture!, initial.Parameters, config, CancellationToken.None);

        float worst = 0;
        for (int i = 0; i < federated.Parameters.Length; i++)
        {
            float expected = initial.Parameters.Values[i] + centralised.Delta.Values[i];
            worst = MathF.Max(worst, MathF.Abs(expected - federated.Parameters.Values[i]));
        }
        Assert.True(worst < 1e-5f, $"federated and centralised parameters differ by up to {worst}");
        Assert.True(MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(centralised.Delta.Values)) > 1e-3f, "training did not move the model");
    }

    public void Dispose()
    {
        if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
    }
}
