using Federated.Shared.Privacy;
using Federated.Simulations.Engine;
using Federated.Simulations.Reporting;
using Federated.Simulations.Partitioning;
using Federated.Simulations.Scenarios;
using Federated.Tests.Simulations.Engine;
using Federated.Tests.Torch;

namespace Federated.Tests.Privacy;

/// <summary>Differential privacy in whole simulations: the production coordinator and clients, ε in every round's report.</summary>
[Collection(TorchTestGroup.Name)]
public sealed class PrivacySimulationTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "federated-tests", "dp-sim-" + Guid.NewGuid().ToString("N"));

    private SimulationScenario Scenario(DifferentialPrivacySpec privacy, bool secure = false) => new()
    {
        Name = "dp-test",
        Dataset = "fashion-mnist",
        TestLimit = 1000,
        Model = "logreg",
        Partition = new PartitionSpec { Kind = "iid" },
        Clients = 16,
        ClientsPerRound = 8,
        MinResults = 4,
        Rounds = 3,
        Training = new LocalTraining { Epochs = 1, BatchSize = 32, LearningRate = 0.05, Momentum = 0.9 },
        SecureAggregation = new SecureAggregationSpec { Enabled = secure, ClipRange = 10 },
        Privacy = privacy,
        Seed = 13,
        Workers = 2,
        OutputDirectory = _output,
    };

    private static async Task<SimulationResult> RunAsync(SimulationScenario scenario)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        return await new SimulationEngine().RunAsync(scenario, new RecordingObserver(), timeout.Token);
    }

    private static double Expected(double q, double z, int rounds)
    {
        var accountant = new RdpAccountant();
        accountant.Compose(q, z, rounds);
        return accountant.GetPrivacySpent(1e-5).Epsilon;
    }

    [Fact]
    public async Task Central_dp_reports_the_accountants_epsilon_after_every_round_in_the_rounds_csv()
    {
        var result = await RunAsync(Scenario(new DifferentialPrivacySpec { Mode = "central", NoiseMultiplier = 1.0, ClipNorm = 0.5 }));

        Assert.All(result.Rounds, r => Assert.True(r.Completed, $"round {r.Round}"));
        for (int i = 0; i < result.Rounds.Count; i++)
            Assert.Equal(Expected(8 / 16.0, 1.0, i + 1), result.Rounds[i].Epsilon, 9);
        // The simulation outputs: rounds.csv carries ε per round, the summary the last one.
        var writer = new MetricsWriter(Path.Combine(_output, "report"));
        foreach (var round in result.Rounds) writer.Append(round);
        Assert.Equal(result.Rounds.Select(r => r.Epsilon), MetricsWriter.ReadRoundsCsv(writer.RoundsCsvPath).Select(r => r.Epsilon));
        string summary = RunSummary.From(result).ToText();
        Assert.Contains("Privacy spent (ε)     " + result.Rounds[^1].Epsilon.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Distributed_dp_with_secure_aggregation_completes_and_counts_the_aggregate_noise()
    {
        var result = await RunAsync(Scenario(new DifferentialPrivacySpec { Mode = "distributed", NoiseMultiplier = 0.7, ClipNorm = 0.5 }, secure: true));

        Assert.All(result.Rounds, r =>
        {
            Assert.True(r.Completed, $"round {r.Round}");
            Assert.Equal(8, r.Participants);
        });
        Assert.Equal(Expected(0.5, 0.7, 3), result.Rounds[^1].Epsilon, 9);
        // Heavily noised for 8 clients (σ of the mean ≈ 0.044 per weight), logistic regression still beats chance (10%).
        Assert.True(result.Rounds[^1].Accuracy > 0.15, $"accuracy {result.Rounds[^1].Accuracy}");
    }

    [Fact]
    public async Task Clients_over_real_grpc_receive_the_tasks_privacy_and_epsilon_is_counted()
    {
        // Loopback: every virtual client is the real gRPC client against a coordinator on 127.0.0.1,
        // so TaskSpec.privacy crosses the wire. Central DP with a tiny clip norm: the clients' own clipping
        // (from the spec) keeps every update within it, which the coordinator's count shows.
        var result = await RunAsync(Scenario(new DifferentialPrivacySpec { Mode = "central", NoiseMultiplier = 2, ClipNorm = 0.05 }) with { Loopback = true, Rounds = 2 });

        Assert.All(result.Rounds, r => Assert.True(r.Completed, $"round {r.Round}"));
        Assert.Equal(Expected(0.5, 2, 2), result.Rounds[^1].Epsilon, 9);
        // One local epoch moves logistic regression by far more than 0.05 (the 0.5 bound of the other tests
        // already clips some): only clients that clipped to the spec's bound can all be within it.
        await using var store = new Federated.Coordinator.Persistence.SqliteCoordinatorStore(Path.Combine(result.OutputDirectory, "coordinator.db"));
        await store.InitializeAsync();
        foreach (var round in await store.GetRoundsAsync())
        {
            Assert.Equal(8, round.Metrics["dp_within_clip_norm"]);
            Assert.Equal(0.05, round.Metrics["dp_clip_norm"]);
            Assert.Equal(result.Rounds[(int)round.Round - 1].Epsilon, round.Metrics["dp_epsilon"]);
        }
    }

    [Fact]
    public async Task More_noise_costs_less_privacy_and_no_dp_reports_no_epsilon()
    {
        var little = await RunAsync(Scenario(new DifferentialPrivacySpec { Mode = "local", NoiseMultiplier = 0.5, ClipNorm = 0.5 }));
        var much = await RunAsync(Scenario(new DifferentialPrivacySpec { Mode = "local", NoiseMultiplier = 4, ClipNorm = 0.5 }));
        var none = await RunAsync(Scenario(new DifferentialPrivacySpec()));

        Assert.Equal(Expected(1, 4, 3), much.Rounds[^1].Epsilon, 9);
        Assert.True(much.Rounds[^1].Epsilon < little.Rounds[^1].Epsilon);
        Assert.All(none.Rounds, r => Assert.True(double.IsNaN(r.Epsilon)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
    }
}
