using Federated.Simulations.Engine;
using Federated.Simulations.Reporting;
using Federated.Simulations.Partitioning;
using Federated.Simulations.Scenarios;
using Federated.Tests.Torch;

namespace Federated.Tests.Simulations.Engine;

/// <summary>Secure aggregation in whole simulations: the same coordinator and clients, with the simulation's dropout model per protocol phase.</summary>
[Collection(TorchTestGroup.Name)]
public sealed class SecureSimulationTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "federated-tests", "secure-sim-" + Guid.NewGuid().ToString("N"));

    private SimulationScenario Scenario(bool secure, double phaseDropout = 0, double thresholdFraction = 0) => new()
    {
        Name = "secure-test",
        Dataset = "fashion-mnist",
        TestLimit = 2000,
        Model = "logreg",
        Partition = new PartitionSpec { Kind = "iid" },
        Clients = 16,
        ClientsPerRound = 8,
        MinResults = 3,
        Rounds = 2,
        Training = new LocalTraining { Epochs = 1, BatchSize = 32, LearningRate = 0.05, Momentum = 0.9 },
        Faults = new FaultSpec { SecureDropoutProbability = phaseDropout },
        // Logistic-regression deltas stay well inside ±10, so clipping changes nothing here.
        SecureAggregation = new SecureAggregationSpec { Enabled = secure, ExpectedDropout = 0.3, ClipRange = 10, ThresholdFraction = thresholdFraction },
        Seed = 11,
        Workers = 2,
        OutputDirectory = _output,
    };

    private static async Task<SimulationResult> RunAsync(SimulationScenario scenario)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        return await new SimulationEngine().RunAsync(scenario, new RecordingObserver(), timeout.Token);
    }

    [Fact]
    public async Task Secure_rounds_reach_the_accuracy_of_plain_rounds_on_the_same_seed()
    {
        var plain = await RunAsync(Scenario(secure: false));
        var secure = await RunAsync(Scenario(secure: true));

        Assert.All(secure.Rounds, r => Assert.True(r.Completed));
        // Same clients, same updates; the secure sum differs only by fixed-point rounding (~1e-5 per weight).
        Assert.InRange(Math.Abs(plain.Rounds[^1].Accuracy - secure.Rounds[^1].Accuracy), 0, 0.005);
        Assert.All(secure.Rounds, r => Assert.Equal(8, r.Participants));
    }

    [Fact]
    public async Task Clients_dropping_at_every_phase_leave_rounds_that_still_complete()
    {
        // Eight clients, classic k = 7; t = 4 of 8 lets each client lose three neighbours over the round.
        var result = await RunAsync(Scenario(secure: true, phaseDropout: 0.08, thresholdFraction: 0.5));

        Assert.All(result.Rounds, r => Assert.True(r.Completed, $"round {r.Round} failed"));
        Assert.Contains(result.Rounds, r => r.Participants < 8);
        Assert.InRange(result.Rounds[^1].Accuracy, 0.5, 1.0);
    }

    public void Dispose()
    {
        if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
    }
}
