using System.Globalization;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Simulations.Scenarios;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>
/// Device fleets on MQTT against one coordinator on this machine (issue 6's figures), in two parts:
/// <list type="number">
/// <item><b>throughput</b>: 1,000 devices, each its own MQTT connection and task loop in this process,
/// answering every task at once with a small update, against the coordinator executable as its own
/// process (embedded broker inside it, or a Mosquitto process): updates accepted per second in
/// FedBuff and in synchronous rounds, and the resident memory of coordinator and broker (/proc:
/// before any device, with all connected, and the peak over the run).</item>
/// <item><b>accuracy</b>: Fashion-MNIST over 100 devices (managed trainer, logistic regression),
/// each with its log-normal speed and a chance to abandon a task silently: wall time until the
/// global model first scores each target on the test set, FedBuff against synchronous FedAvg with
/// the same devices, speeds, dropout and concurrency, measured one after the other in one run. The
/// highest target is the one to compare: 80 % comes after five or so synchronous rounds, too few
/// for the ratio to settle.</item>
/// </list>
/// <code>
/// dotnet run -c Release --project tests/Federated.Benchmarks -- mqtt-fleet [--parts throughput,accuracy]
///   throughput: [--devices 1000] [--brokers embedded,mosquitto] [--modes fedbuff,sync] [--model "input 784; linear 784 10"]
///               [--buffer-size 50] [--concurrency 200] [--clients-per-round 100] [--warmup 10] [--measure 20]
///               [--poll-wait 10] [--join-batch 100] [--mosquitto-nodelay true] [--env KEY=VALUE]...
///   accuracy:   [--acc-devices 100] [--acc-concurrency 20] [--acc-buffer-size 10] [--acc-max-staleness 10] [--acc-server-lr 1]
///               [--acc-model logreg|mlp|TEXT] [--lr 0.01] [--epochs 1] [--batch-size 32] [--targets 0.75,0.80,0.82]
///               [--median-delay 1] [--delay-sigma 0.5] [--dropout 0.1] [--task-timeout 5] [--max-seconds 150]
///               [--partition iid|dirichlet|shards|quantity] [--alpha 0.5] [--seed 42]
/// </code>
/// Times are in seconds. <c>--env</c> sets an environment variable of the coordinator process of the
/// throughput part (e.g. <c>DOTNET_gcServer=0</c>). The devices' process needs a file descriptor per
/// connection and the coordinator or Mosquitto one more each: .NET raises its soft limit to the hard
/// one at start and child processes inherit it; the scenario refuses to start when that is too low.
/// Brokers: every device's requests reach the coordinator through its one session, so the embedded
/// broker queues up to 10,000 messages per client and Mosquitto gets <c>max_queued_messages 100000</c>
/// (its default of 1,000 drops the excess); the embedded broker listens with a backlog of
/// <c>Mqtt:ConnectionBacklog</c> (1,024: MQTTnet's own 100 dropped most of 1,000 simultaneous connects,
/// try <c>--join-batch 1000</c>).
/// </summary>
internal static class MqttFleetScenario
{
    private const string LogisticRegression = "input 784; linear 784 10";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ScenarioArguments(args);
        var parts = options.List("--parts", "throughput,accuracy");
        var throughput = ReadThroughput(options);
        var brokers = options.List("--brokers", "embedded,mosquitto");
        var modes = options.List("--modes", "fedbuff,sync");
        var accuracy = ReadAccuracy(options);
        var partition = new PartitionSpec { Kind = options.Text("--partition", "iid"), Alpha = options.Double("--alpha", 0.5) };
        var medianDelay = TimeSpan.FromSeconds(options.Double("--median-delay", 1));
        double sigma = options.Double("--delay-sigma", 0.5);
        options.ThrowOnUnknown();
        OnlyFrom("--parts", parts, "throughput", "accuracy");
        OnlyFrom("--brokers", brokers, "embedded", "mosquitto");
        OnlyFrom("--modes", modes, "fedbuff", "sync");

        int status = 0;
        if (parts.Contains("throughput"))
        {
            FileDescriptors.EnsureAtLeast(2 * throughput.Devices + 256);
            var results = new List<ThroughputFigures>();
            foreach (string broker in brokers)
            {
                foreach (string mode in modes)
                {
                    Console.Error.WriteLine($"[mqtt-fleet] throughput: {broker} broker, {mode} ...");
                    results.Add(await ThroughputRun.RunAsync(broker, mode, throughput).ConfigureAwait(false));
                }
            }
            FleetReport.PrintThroughput(throughput, results);
            if (results.Exists(r => r.Accepted == 0)) status = 1;
        }
        if (parts.Contains("accuracy"))
        {
            var train = FashionMnist.Load(FashionMnistSplit.Train);
            var test = FashionMnist.Load(FashionMnistSplit.Test);
            var population = DevicePopulation.Create(train, accuracy.Devices, partition, medianDelay, sigma, accuracy.Seed);
            // JIT, pools and SQLite warmed on both modes first, so neither measured run pays for starting cold.
            var warmup = accuracy with { Devices = Math.Min(10, accuracy.Devices), Concurrency = Math.Min(5, accuracy.Devices), BufferSize = 2, Dropout = 0, Rounds = 2, DelayScale = 0 };
            Console.Error.WriteLine("[mqtt-fleet] accuracy: warm-up ...");
            await AccuracyRun.RunAsync("fedbuff", population, test, warmup).ConfigureAwait(false);
            await AccuracyRun.RunAsync("sync", population, test, warmup).ConfigureAwait(false);
            Console.Error.WriteLine("[mqtt-fleet] accuracy: FedBuff ...");
            var fedBuff = await AccuracyRun.RunAsync("fedbuff", population, test, accuracy).ConfigureAwait(false);
            Console.Error.WriteLine("[mqtt-fleet] accuracy: synchronous ...");
            var synchronous = await AccuracyRun.RunAsync("sync", population, test, accuracy).ConfigureAwait(false);
            FleetReport.PrintAccuracy(accuracy, population, partition, medianDelay, sigma, fedBuff, synchronous);
            if (fedBuff.Reached[0] is null || synchronous.Reached[0] is null) status = 1;
        }
        return status;
    }

    private static ThroughputSettings ReadThroughput(ScenarioArguments options) => new(
        Devices: options.Int("--devices", 1000),
        Model: ModelText(options.Text("--model", LogisticRegression)),
        BufferSize: options.Int("--buffer-size", 50),
        Concurrency: options.Int("--concurrency", 200),
        ClientsPerRound: options.Int("--clients-per-round", 100),
        PollWait: TimeSpan.FromSeconds(options.Double("--poll-wait", 10)),
        Warmup: TimeSpan.FromSeconds(options.Double("--warmup", 10)),
        Measure: TimeSpan.FromSeconds(options.Double("--measure", 20)),
        JoinBatch: options.Int("--join-batch", 100),
        MosquittoNoDelay: bool.Parse(options.Text("--mosquitto-nodelay", "true")),
        Environment: options.Environment());

    private static AccuracySettings ReadAccuracy(ScenarioArguments options) => new(
        Devices: options.Int("--acc-devices", 100),
        Concurrency: options.Int("--acc-concurrency", 20),
        BufferSize: options.Int("--acc-buffer-size", 10),
        MaxStaleness: options.Int("--acc-max-staleness", 10),
        ServerLearningRate: options.Double("--acc-server-lr", 1.0),
        Model: ModelText(options.Text("--acc-model", "logreg")),
        LearningRate: options.Double("--lr", 0.01),
        Epochs: options.Int("--epochs", 1),
        BatchSize: options.Int("--batch-size", 32),
        Targets: [.. options.List("--targets", "0.75,0.80,0.82").Select(t => double.Parse(t, CultureInfo.InvariantCulture)).Order()],
        Dropout: options.Double("--dropout", 0.1),
        TaskTimeout: TimeSpan.FromSeconds(options.Double("--task-timeout", 5)),
        MaxTime: TimeSpan.FromSeconds(options.Double("--max-seconds", 150)),
        PollWait: TimeSpan.FromSeconds(5),
        Seed: options.Int("--seed", 42));

    private static void OnlyFrom(string option, IReadOnlyList<string> values, params string[] allowed)
    {
        foreach (string value in values)
        {
            if (!allowed.Contains(value)) throw new ArgumentException($"{option} takes {string.Join(", ", allowed)}; got '{value}'.");
        }
    }

    /// <summary>Zoo names and the shorthand <c>logreg</c> as the architecture text the coordinator is configured with.</summary>
    private static string ModelText(string name) => name.Trim().ToLowerInvariant() switch
    {
        "logreg" => LogisticRegression,
        _ => ModelZoo.Resolve(name).ToCanonicalString(),
    };

    internal static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
