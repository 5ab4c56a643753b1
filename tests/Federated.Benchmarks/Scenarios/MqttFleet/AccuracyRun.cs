using System.Diagnostics;
using System.Globalization;
using Federated.Shared.Data;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>How a time-to-accuracy run is set up; both modes get the same values.</summary>
/// <param name="Concurrency">FedBuff: devices training at once. Synchronous: devices asked per round. The same number, so both keep as many devices busy.</param>
/// <param name="TaskTimeout">A task's deadline (synchronous: the round's), which is also how long an abandoned task holds its device.</param>
/// <param name="DelayScale">1 for the population's speeds, 0 for none (warm-up).</param>
internal sealed record AccuracySettings(
    int Devices,
    int Concurrency,
    int BufferSize,
    int MaxStaleness,
    double ServerLearningRate,
    string Model,
    double LearningRate,
    int Epochs,
    int BatchSize,
    IReadOnlyList<double> Targets,
    double Dropout,
    TimeSpan TaskTimeout,
    TimeSpan MaxTime,
    TimeSpan PollWait,
    int Seed,
    long Rounds = 1_000_000,
    double DelayScale = 1);

/// <summary>What one mode's run measured; <paramref name="Reached"/> has one entry per target, lowest first, null where not reached.</summary>
internal sealed record AccuracyFigures(string Mode, IReadOnlyList<TargetReached?> Reached, double Seconds, int Evaluations, double BestAccuracy, double EvaluationSeconds, long Accepted, long Refused);

/// <summary>
/// One federation over MQTT (embedded broker, coordinator in this process) of the population's
/// devices, timed from the moment every device has joined until the global model first scores each
/// target on the test set; it ends at the highest target or the time limit.
/// </summary>
internal static class AccuracyRun
{
    public static async Task<AccuracyFigures> RunAsync(string mode, DevicePopulation population, LabeledDataset test, AccuracySettings settings)
    {
        var counters = new FleetCounters();
        var evaluator = new TargetAccuracyEvaluator(test, settings.Targets, counters);
        int port = LoopbackPorts.Free();
        await using var coordinator = await InProcessCoordinator.StartAsync(CoordinatorSettings(mode, settings), port, evaluator).ConfigureAwait(false);
        await using var fleet = await DeviceFleet.StartAsync(settings.Devices, port, "fleet",
            i => new StragglingTrainer(population.TrainerOf(i), population.DelayOf(i) * settings.DelayScale, settings.Dropout, HashCode.Combine(settings.Seed, i)),
            settings.PollWait, batch: 50, TimeSpan.FromMinutes(2), counters).ConfigureAwait(false);
        evaluator.Start();
        var clock = Stopwatch.StartNew();
        await Task.WhenAny(evaluator.AllReached, fleet.Finished, Task.Delay(settings.MaxTime)).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        return new AccuracyFigures(mode, evaluator.Reached, seconds, evaluator.Evaluations, evaluator.BestAccuracy, evaluator.EvaluationSeconds, counters.Accepted, counters.Refused);
    }

    private static Dictionary<string, string> CoordinatorSettings(string mode, AccuracySettings settings)
    {
        var invariant = CultureInfo.InvariantCulture;
        var values = new Dictionary<string, string>
        {
            ["Federation:Model"] = settings.Model,
            ["Federation:Seed"] = settings.Seed.ToString(invariant),
            ["Federation:Rounds"] = settings.Rounds.ToString(invariant),
            ["Federation:MinClients"] = settings.Devices.ToString(invariant),
            ["Federation:MinResults"] = "1",
            ["Federation:FederatedEvaluation"] = "false",
            ["Federation:RoundTimeout"] = settings.TaskTimeout.ToString("c", invariant),
            ["Federation:Training:Epochs"] = settings.Epochs.ToString(invariant),
            ["Federation:Training:BatchSize"] = settings.BatchSize.ToString(invariant),
            ["Federation:Training:LearningRate"] = settings.LearningRate.ToString(invariant),
        };
        if (mode == "fedbuff")
        {
            values["Federation:Mode"] = "FedBuff";
            values["Federation:FedBuff:BufferSize"] = settings.BufferSize.ToString(invariant);
            values["Federation:FedBuff:Concurrency"] = settings.Concurrency.ToString(invariant);
            values["Federation:FedBuff:MaxStaleness"] = settings.MaxStaleness.ToString(invariant);
            values["Federation:FedBuff:ServerLearningRate"] = settings.ServerLearningRate.ToString(invariant);
        }
        else
        {
            values["Federation:Mode"] = "Synchronous";
            values["Federation:ClientsPerRound"] = settings.Concurrency.ToString(invariant);
        }
        return values;
    }
}
