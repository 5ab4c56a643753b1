using System.Diagnostics;
using System.Globalization;
using Federated.Simulations.Engine;
using Federated.Simulations.Partitioning;
using Federated.Simulations.Reporting;
using Federated.Simulations.Scenarios;

namespace Federated.Benchmarks.Scenarios;

/// <summary>
/// Issue 9's report: test accuracy against ε on Fashion-MNIST for a few noise levels. Runs the same
/// simulated federation (same seed: same partition, sampling, initial model) once without DP and once
/// per noise multiplier, through the production coordinator and clients, and prints per run the ε the
/// coordinator's accountant reported after the last round (at δ), the final and best test accuracy, and
/// the final accuracy as a ratio of the run without DP. Small by default so it finishes in minutes on
/// two cores: logistic regression (7,850 weights) — DP-FedAvg's noise on the mean falls as 1/(clients per
/// round), and a small model keeps the noise-to-signal ratio low with a federation this size.
/// <code>dotnet run -c Release --project tests/Federated.Benchmarks -- dp-accuracy [--mode central|local|distributed]
///   [--noise 0.3,0.6,1.2] [--clip 0.5] [--model logreg] [--clients 200] [--per-round 50] [--rounds 15]
///   [--delta 1e-5] [--lr 0.05] [--epochs 1] [--test 10000] [--seed 42] [--workers 0] [--adaptive true]</code>
/// </summary>
internal static class DpAccuracyScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ScenarioArguments(args);
        string mode = options.Text("--mode", "central");
        var noises = options.List("--noise", "0.3,0.6,1.2").Select(n => double.Parse(n, CultureInfo.InvariantCulture)).ToList();
        double clip = options.Double("--clip", 0.5);
        string model = options.Text("--model", "logreg");
        int clients = options.Int("--clients", 200);
        int perRound = options.Int("--per-round", 50);
        int rounds = options.Int("--rounds", 15);
        double delta = options.Double("--delta", 1e-5);
        double learningRate = options.Double("--lr", 0.05);
        int epochs = options.Int("--epochs", 1);
        int test = options.Int("--test", 10_000);
        int seed = options.Int("--seed", 42);
        int workers = options.Int("--workers", 0);
        bool adaptive = options.Text("--adaptive", "false") == "true";
        options.ThrowOnUnknown();

        string output = Path.Combine(Path.GetTempPath(), "federated-dp-accuracy-" + Guid.NewGuid().ToString("N"));
        var baseline = new SimulationScenario
        {
            Name = "dp-accuracy",
            Dataset = "fashion-mnist",
            TestLimit = test,
            Model = model,
            Partition = new PartitionSpec { Kind = "iid" },
            Clients = clients,
            ClientsPerRound = perRound,
            MinResults = perRound,
            Rounds = rounds,
            Training = new LocalTraining { Epochs = epochs, BatchSize = 32, LearningRate = learningRate, Momentum = 0.9 },
            SecureAggregation = new SecureAggregationSpec { Enabled = mode == "distributed", ClipRange = 10 },
            Seed = seed,
            Workers = workers,
            OutputDirectory = output,
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dp-accuracy: {mode} DP, {model}, {clients} IID clients, {perRound} per round (q = {perRound / (double)clients:0.###}), {rounds} rounds, clip {clip}{(adaptive ? " (adaptive, median)" : "")}, δ = {delta:G3}, seed {seed}"));
        Console.WriteLine("noise z  epsilon    final acc  best acc   ratio to no-DP  wall s");
        double? reference = null;
        // z = 0 first: the run without DP every ratio is taken against.
        noises.Insert(0, 0);
        try
        {
            foreach (double z in noises)
            {
                var privacy = z == 0
                    ? new DifferentialPrivacySpec()
                    : new DifferentialPrivacySpec { Mode = mode, NoiseMultiplier = z, ClipNorm = clip, Delta = delta, AdaptiveClipping = adaptive };
                var scenario = baseline with { Privacy = privacy, SecureAggregation = baseline.SecureAggregation with { Enabled = mode == "distributed" && z > 0 } };
                var watch = Stopwatch.StartNew();
                var result = await new SimulationEngine().RunAsync(scenario, new SilentObserver(), CancellationToken.None).ConfigureAwait(false);
                var last = result.Rounds[^1];
                double best = result.Rounds.Max(r => r.Accuracy);
                reference ??= last.Accuracy;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(z == 0 ? "none" : z.ToString("0.###", CultureInfo.InvariantCulture)),-8} {(double.IsNaN(last.Epsilon) ? "inf" : last.Epsilon.ToString("0.###", CultureInfo.InvariantCulture)),-10} {last.Accuracy,-10:P2} {best,-10:P2} {last.Accuracy / reference.Value,-15:0.000} {watch.Elapsed.TotalSeconds:0.0}"));
            }
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
        return 0;
    }

    /// <summary>Collects nothing: the table is printed from the results.</summary>
    private sealed class SilentObserver : ISimulationObserver
    {
        public void Started(string datasetDescription, string partitionDescription, string labelSummary, int totalRounds, string outputDirectory)
        {
        }

        public void RoundFinished(RoundReport report)
        {
        }
    }
}
