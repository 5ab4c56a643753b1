using Federated.Shared.Models;
using Federated.Simulations.Scenarios;
using static Federated.Benchmarks.Scenarios.MqttFleet.MqttFleetScenario;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>Prints the fleet scenario's figures, with the comparisons as ratios.</summary>
internal static class FleetReport
{
    public static void PrintThroughput(ThroughputSettings settings, IReadOnlyList<ThroughputFigures> results)
    {
        var model = ModelArchitecture.Parse(settings.Model);
        Console.WriteLine(Format($"mqtt-fleet throughput: {settings.Devices} devices on MQTT (one connection and task loop each, in one process) against one coordinator process"));
        Console.WriteLine(Format($"  model '{settings.Model}' ({model.Layout.TotalLength * sizeof(float) / 1024.0:F1} KB FP32); devices answer at once; FedBuff K={settings.BufferSize}, {settings.Concurrency} training at once; synchronous {settings.ClientsPerRound} per round"));
        Console.WriteLine(Format($"  {Environment.ProcessorCount} cores; warm-up {settings.Warmup.TotalSeconds:F0} s after all joined, then measured over {settings.Measure.TotalSeconds:F0} s"));
        foreach (var (key, value) in settings.Environment) Console.WriteLine($"  coordinator env {key}={value}");
        Console.WriteLine(Format($"  devices connect in batches of {settings.JoinBatch}; 'dropped' counts connection attempts the listen queue overflowed (machine-wide) while they joined"));
        Console.WriteLine("  broker     mode      join s  dropped  updates/s  refused  failed calls | coordinator RSS MB: idle  connected  peak | broker RSS MB: idle  connected  peak");
        foreach (var r in results)
        {
            string broker = r.BrokerPeak is { } peak
                ? Format($"{r.BrokerIdle!.Value / 1e6,6:F1} {r.BrokerConnected!.Value / 1e6,10:F1} {peak / 1e6,6:F1}")
                : "     (inside the coordinator)";
            Console.WriteLine(Format($"  {r.Broker,-10} {r.Mode,-8} {r.JoinSeconds,7:F1} {r.ListenOverflows,8} {r.UpdatesPerSecond,10:F1} {r.Refused,8} {r.FailedCalls,13} | {r.CoordinatorIdle / 1e6,22:F1} {r.CoordinatorConnected / 1e6,10:F1} {r.CoordinatorPeak / 1e6,5:F1} | {broker}"));
        }
        foreach (var r in results)
        {
            double perUpdate = r.Accepted > 0 ? 1000 / r.UpdatesPerSecond : double.NaN;
            Console.WriteLine(Format($"  {r.Broker} {r.Mode}: CPU ms per accepted update: coordinator {r.CoordinatorCores * perUpdate:F2}")
                + (r.BrokerCores is { } brokerCores ? Format($", Mosquitto {brokerCores * perUpdate:F2}") : "")
                + Format($", devices {r.DeviceCores * perUpdate:F2}"));
            Console.WriteLine(Format($"  {r.Broker} {r.Mode}: cores busy: coordinator {r.CoordinatorCores:F2}")
                + (r.BrokerCores is { } cores ? Format($", Mosquitto {cores:F2}") : "")
                + Format($", devices {r.DeviceCores:F2}; memory per connected device: coordinator {(r.CoordinatorConnected - r.CoordinatorIdle) / 1e3 / settings.Devices:F1} KB")
                + (r.BrokerConnected is { } connected ? Format($", Mosquitto {(connected - r.BrokerIdle!.Value) / 1e3 / settings.Devices:F1} KB") : ""));
            if (r.Failures.Count > 0)
                Console.WriteLine($"  {r.Broker} {r.Mode}: failed calls over the whole run, retried: {string.Join(", ", r.Failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} x{f.Value}"))}");
        }
        foreach (string mode in results.Select(r => r.Mode).Distinct())
            Ratio(Format($"updates/s, Mosquitto / embedded ({mode})"), Find(results, "mosquitto", mode), Find(results, "embedded", mode));
        foreach (string broker in results.Select(r => r.Broker).Distinct())
            Ratio(Format($"updates/s, FedBuff / synchronous ({broker})"), Find(results, broker, "fedbuff"), Find(results, broker, "sync"));
    }

    private static ThroughputFigures? Find(IReadOnlyList<ThroughputFigures> results, string broker, string mode) =>
        results.FirstOrDefault(r => r.Broker == broker && r.Mode == mode);

    private static void Ratio(string label, ThroughputFigures? over, ThroughputFigures? under)
    {
        if (over is null || under is null || under.UpdatesPerSecond == 0) return;
        Console.WriteLine(Format($"  {label}: {over.UpdatesPerSecond / under.UpdatesPerSecond:F2}"));
    }

    public static void PrintAccuracy(AccuracySettings settings, DevicePopulation population, PartitionSpec partition, TimeSpan median, double sigma, AccuracyFigures fedBuff, AccuracyFigures synchronous)
    {
        string targets = string.Join(", ", settings.Targets.Select(t => Format($"{t:P0}")));
        Console.WriteLine(Format($"mqtt-fleet accuracy: time to {targets} test accuracy on Fashion-MNIST, {settings.Devices} devices over MQTT (embedded broker), coordinator in process"));
        Console.WriteLine(Format($"  model '{settings.Model}', managed trainer: {settings.Epochs} epoch(s), batch {settings.BatchSize}, learning rate {settings.LearningRate}; partition {partition.Kind}{(partition.Kind == "iid" ? "" : Format($" (alpha {partition.Alpha})"))}"));
        Console.WriteLine(Format($"  device delay per task: log-normal, median {median.TotalSeconds:F2} s, sigma {sigma} (p90 {population.DelayQuantile(0.9).TotalSeconds:F2} s, slowest {population.DelayQuantile(1).TotalSeconds:F2} s), plus training"));
        Console.WriteLine(Format($"  dropout {settings.Dropout:P0} of tasks, abandoned silently until the {settings.TaskTimeout.TotalSeconds:F1} s task deadline (synchronous: the round's)"));
        Console.WriteLine(Format($"  FedBuff K={settings.BufferSize}, {settings.Concurrency} training at once, staleness bound {settings.MaxStaleness}, server learning rate {settings.ServerLearningRate}; synchronous FedAvg {settings.Concurrency} per round"));
        Console.WriteLine(Format($"  {"target",6} {"FedBuff s",12} {"steps",6} {"updates",8} | {"sync s",12} {"rounds",6} {"updates",8} | {"time sync/FedBuff",17} {"updates sync/FedBuff",20}"));
        for (int i = 0; i < settings.Targets.Count; i++)
        {
            var (fast, slow) = (fedBuff.Reached[i], synchronous.Reached[i]);
            string ratios = fast is not null && slow is not null
                ? Format($"{slow.Seconds / fast.Seconds,17:F2} {(double)slow.AcceptedUpdates / fast.AcceptedUpdates,20:F2}")
                : Format($"{"-",17} {"-",20}");
            Console.WriteLine(Format($"  {settings.Targets[i],6:P0} {Cell(fast)} | {Cell(slow)} | {ratios}"));
        }
        foreach (var figures in new[] { fedBuff, synchronous })
        {
            Console.WriteLine(Format($"  {(figures.Mode == "fedbuff" ? "FedBuff" : "synchronous")}: {figures.Seconds:F1} s, {figures.Evaluations} global models, best {figures.BestAccuracy:P2}, {figures.Accepted} updates accepted, {figures.Refused} refused; central evaluation took {figures.EvaluationSeconds:F1} s of it"));
        }
    }

    private static string Cell(TargetReached? reached) =>
        reached is null ? Format($"{"not reached",28}") : Format($"{reached.Seconds,12:F1} {reached.Evaluations,6} {reached.AcceptedUpdates,8}");
}
