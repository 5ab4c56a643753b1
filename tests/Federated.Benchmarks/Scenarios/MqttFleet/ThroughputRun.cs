using System.Diagnostics;
using System.Globalization;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>How the throughput runs are set up (all of them alike but for broker and mode).</summary>
internal sealed record ThroughputSettings(
    int Devices,
    string Model,
    int BufferSize,
    int Concurrency,
    int ClientsPerRound,
    TimeSpan PollWait,
    TimeSpan Warmup,
    TimeSpan Measure,
    int JoinBatch,
    bool MosquittoNoDelay,
    IReadOnlyList<KeyValuePair<string, string>> Environment);

/// <summary>
/// What one throughput run measured. Memory is resident set size in bytes, read from /proc; CPU is
/// the cores each process kept busy on average over the measured window (CPU seconds / seconds).
/// </summary>
internal sealed record ThroughputFigures(
    string Broker,
    string Mode,
    double JoinSeconds,
    long ListenOverflows,
    long Accepted,
    long Refused,
    long FailedCalls,
    double MeasuredSeconds,
    long CoordinatorIdle,
    long CoordinatorConnected,
    long CoordinatorPeak,
    long? BrokerIdle,
    long? BrokerConnected,
    long? BrokerPeak,
    double CoordinatorCores,
    double? BrokerCores,
    double DeviceCores,
    IReadOnlyDictionary<string, int> Failures)
{
    public double UpdatesPerSecond => Accepted / MeasuredSeconds;
}

/// <summary>
/// One coordinator process, one broker (embedded in it, or a Mosquitto process) and a fleet of
/// devices in this process that answer every task at once: the rate at which the coordinator
/// accepts updates is then what the coordinator and broker can sustain on this machine. The
/// federation waits for every device before it starts (MinClients = devices), runs for a warm-up,
/// and is measured over a fixed window; the federation's round count is never reached.
/// </summary>
internal static class ThroughputRun
{
    public static async Task<ThroughputFigures> RunAsync(string broker, string mode, ThroughputSettings settings)
    {
        bool embedded = broker == "embedded";
        await using var mosquitto = embedded ? null : await MosquittoProcess.StartAsync(settings.MosquittoNoDelay).ConfigureAwait(false);
        int port = mosquitto?.Port ?? LoopbackPorts.Free();
        long? brokerIdle = mosquitto is null ? null : ProcStatus.Bytes(mosquitto.Pid, "VmRSS");

        await using var coordinator = await CoordinatorProcess.StartAsync(CoordinatorSettings(embedded, port, mode, settings), settings.Environment).ConfigureAwait(false);
        long coordinatorIdle = ProcStatus.Bytes(coordinator.Pid, "VmRSS");

        long overflows = KernelNetStat.ListenOverflows();
        var joining = Stopwatch.StartNew();
        await using var fleet = await DeviceFleet.StartAsync(settings.Devices, port, "fleet", i => new ScriptedDeltaTrainer(i), settings.PollWait,
            settings.JoinBatch, TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        double joinSeconds = joining.Elapsed.TotalSeconds;
        overflows = KernelNetStat.ListenOverflows() - overflows;
        long coordinatorConnected = ProcStatus.Bytes(coordinator.Pid, "VmRSS");
        long? brokerConnected = mosquitto is null ? null : ProcStatus.Bytes(mosquitto.Pid, "VmRSS");

        Progress($"{settings.Devices} devices joined in {joinSeconds:F1} s; warming up");
        await Task.Delay(settings.Warmup).ConfigureAwait(false);
        coordinator.ThrowIfExited();
        var counters = fleet.Counters;
        var (accepted, refused, failed) = (counters.Accepted, counters.Refused, counters.FailedCalls);
        var cpu = (Coordinator: ProcStatus.CpuTime(coordinator.Pid), Broker: mosquitto is null ? TimeSpan.Zero : ProcStatus.CpuTime(mosquitto.Pid), Devices: ProcStatus.CpuTime(Environment.ProcessId));
        Progress($"measuring");
        var window = Stopwatch.StartNew();
        await Task.Delay(settings.Measure).ConfigureAwait(false);
        var (acceptedAfter, refusedAfter, failedAfter) = (counters.Accepted, counters.Refused, counters.FailedCalls);
        var cpuAfter = (Coordinator: ProcStatus.CpuTime(coordinator.Pid), Broker: mosquitto is null ? TimeSpan.Zero : ProcStatus.CpuTime(mosquitto.Pid), Devices: ProcStatus.CpuTime(Environment.ProcessId));
        double measured = window.Elapsed.TotalSeconds;
        coordinator.ThrowIfExited();

        // Peaks over the whole run, start-up and joins included: what the machine had to provide.
        long coordinatorPeak = ProcStatus.Bytes(coordinator.Pid, "VmHWM");
        long? brokerPeak = mosquitto is null ? null : ProcStatus.Bytes(mosquitto.Pid, "VmHWM");
        Progress($"stopping the devices");
        return new ThroughputFigures(broker, mode, joinSeconds, overflows, acceptedAfter - accepted, refusedAfter - refused, failedAfter - failed, measured,
            coordinatorIdle, coordinatorConnected, coordinatorPeak, brokerIdle, brokerConnected, brokerPeak,
            (cpuAfter.Coordinator - cpu.Coordinator).TotalSeconds / measured,
            mosquitto is null ? null : (cpuAfter.Broker - cpu.Broker).TotalSeconds / measured,
            (cpuAfter.Devices - cpu.Devices).TotalSeconds / measured,
            new Dictionary<string, int>(counters.Failures));
    }

    private static Dictionary<string, string> CoordinatorSettings(bool embedded, int port, string mode, ThroughputSettings settings)
    {
        var invariant = CultureInfo.InvariantCulture;
        var values = new Dictionary<string, string>
        {
            ["Mqtt:Enabled"] = "true",
            ["Mqtt:Broker"] = embedded ? "Embedded" : "External",
            ["Mqtt:Port"] = port.ToString(invariant),
            ["Mqtt:Federation"] = "fleet",
            ["Federation:Model"] = settings.Model,
            ["Federation:Rounds"] = "1000000",
            ["Federation:MinClients"] = settings.Devices.ToString(invariant),
            ["Federation:MinResults"] = "1",
            ["Federation:FederatedEvaluation"] = "false",
            ["Federation:RoundTimeout"] = "00:01:00",
        };
        if (mode == "fedbuff")
        {
            values["Federation:Mode"] = "FedBuff";
            values["Federation:FedBuff:BufferSize"] = settings.BufferSize.ToString(invariant);
            values["Federation:FedBuff:Concurrency"] = settings.Concurrency.ToString(invariant);
        }
        else
        {
            values["Federation:Mode"] = "Synchronous";
            values["Federation:ClientsPerRound"] = settings.ClientsPerRound.ToString(invariant);
        }
        return values;
    }

    private static void Progress(FormattableString message) =>
        Console.Error.WriteLine(FormattableString.Invariant($"[mqtt-fleet] {DateTime.Now:HH:mm:ss} ") + MqttFleetScenario.Format(message));
}
