using System.Diagnostics;
using System.Globalization;
using Federated.Client;
using Federated.Client.Caching;
using Federated.Client.Connection;
using Federated.Shared.Codecs;
using Federated.Shared.Models;

namespace Federated.Benchmarks.Scenarios;

/// <summary>
/// Peak memory of a real coordinator process (the federated-coordinator host, gRPC on loopback,
/// SQLite) during FedAvg rounds of the classic CNN with many clients. The clients run in this
/// process with a trainer that returns a ready-made update at once, so every upload arrives nearly
/// together: the worst case for the coordinator. Memory is read from outside, from
/// /proc/PID/status: the resident set after a warm-up round (the baseline), and the high-water mark
/// (VmHWM, reset at the baseline) over the remaining rounds. Prints both and the growth in model sizes.
/// The resident set is everything the process holds in RAM (managed heap, native allocations such as
/// SQLite's, code), so nothing the coordinator allocates escapes it; the coordinator runs with the
/// host's own settings (its runtimeconfig.json, e.g. the server GC that ASP.NET Core defaults to).
/// The growth over the baseline is what a steady round adds; the growth over the idle process (before
/// any client joined) also counts what a hundred connections and the warm-up round keep (pools,
/// buffers, code), and is printed for comparison.
/// <code>
/// dotnet run -c Release --project tests/Federated.Benchmarks -- coordinator-memory [--clients 100] [--rounds 3] [--warm-up-rounds 1]
///     [--update-codec Fp32|Fp16|Int8|Int8Stochastic] [--max-concurrent-uploads 2] [--env KEY=VALUE]...
/// </code>
/// <c>--env</c> sets an environment variable of the coordinator only, e.g. a configuration key
/// (<c>Federation__ChunkBytes=65536</c>) or a GC limit (<c>DOTNET_GCHeapHardLimit=0x2000000</c>: a
/// run that completes under a hard heap limit shows the live managed memory never exceeded it,
/// whatever the RSS of a lazily collecting GC says).
/// </summary>
internal static class CoordinatorMemoryScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = new ScenarioArguments(args);
        int clients = arguments.Int("--clients", 100);
        int rounds = arguments.Int("--rounds", 3);
        int uploads = arguments.Int("--max-concurrent-uploads", 2);
        int warmUp = arguments.Int("--warm-up-rounds", 1);
        if (warmUp < 1 || warmUp >= rounds) throw new ArgumentException($"--warm-up-rounds must be at least 1 and below --rounds ({rounds}).");
        var codec = Enum.Parse<CodecKind>(arguments.Text("--update-codec", "Fp32"), ignoreCase: true);
        var environment = arguments.Environment();
        arguments.ThrowOnUnknown();
        string host = CoordinatorHostBuild.Assembly();
        var architecture = ModelZoo.Cnn();
        long modelBytes = architecture.Layout.TotalLength * sizeof(float);

        string directory = Path.Combine(Path.GetTempPath(), "federated-memory-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        int port = LoopbackPorts.Free();
        using var coordinator = StartCoordinator(host, port, directory, clients, rounds, uploads, codec, environment);
        try
        {
            await LoopbackPorts.WaitUntilListeningAsync(port, coordinator, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            long idle = ProcStatus.Bytes(coordinator.Id, "VmRSS");

            var stopwatch = Stopwatch.StartNew();
            var address = new Uri($"http://127.0.0.1:{port}");
            var warmedUp = new WarmUpBarrier(clients);
            var runs = new List<Task<ClientRunSummary>>(clients);
            var connections = new List<GrpcCoordinatorConnection>(clients);
            for (int i = 0; i < clients; i++)
            {
                var connection = new GrpcCoordinatorConnection(address);
                connections.Add(connection);
                var options = new FederatedClientOptions { Name = $"device-{i}", PollWait = TimeSpan.FromSeconds(5) };
                var client = new FederatedClient(connection, new ReadyUpdateTrainer(i, warmedUp, warmUp), options, cache: new MemoryModelCache(1));
                runs.Add(client.RunAsync(CancellationToken.None));
            }
            var allDone = Task.WhenAll(runs);
            var exited = coordinator.WaitForExitAsync();

            // The warm-up rounds (one by default) warm the coordinator up (code paths JIT-compiled, pools
            // and caches filled). Once every client is inside its next fit, they are over and the next
            // round's model is out: that resident set is the baseline, and the high-water mark restarts
            // from it (clear_refs 5).
            await WaitAsync(warmedUp.AllArrived, exited, coordinator).ConfigureAwait(false);
            long baseline = ProcStatus.Bytes(coordinator.Id, "VmRSS");
            await ProcStatus.ResetPeakAsync(coordinator.Id).ConfigureAwait(false);
            warmedUp.Release();

            await WaitAsync(allDone, exited, coordinator).ConfigureAwait(false);
            var summaries = await allDone.ConfigureAwait(false);
            long peak = ProcStatus.Bytes(coordinator.Id, "VmHWM");
            stopwatch.Stop();
            foreach (var connection in connections) await connection.DisposeAsync().ConfigureAwait(false);

            int tasks = 0;
            foreach (var summary in summaries) tasks += summary.TasksCompleted;
            var invariant = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(invariant, $"coordinator memory: {clients} clients, {rounds} rounds of the CNN ({modelBytes / 1e6:F1} MB FP32), {codec} updates, {uploads} concurrent uploads"));
            Console.WriteLine($"  coordinator GC        {GcSettings(host)}");
            foreach (var (key, value) in environment) Console.WriteLine($"  coordinator env       {key}={value}");
            Console.WriteLine(string.Create(invariant, $"  tasks completed       {tasks} of {clients * rounds} in {stopwatch.Elapsed.TotalSeconds:F1} s"));
            Console.WriteLine(string.Create(invariant, $"  RSS idle, before any client   {idle / 1e6:F1} MB"));
            Console.WriteLine(string.Create(invariant, $"  RSS after {warmUp} warm-up round(s) {baseline / 1e6:F1} MB (baseline)"));
            Console.WriteLine(string.Create(invariant, $"  peak RSS in rounds {warmUp + 1}..{rounds}       {peak / 1e6:F1} MB"));
            Console.WriteLine(string.Create(invariant, $"  growth over the baseline      {(peak - baseline) / 1e6:F1} MB = {(double)(peak - baseline) / modelBytes:F2} x the FP32 model"));
            Console.WriteLine(string.Create(invariant, $"  growth over the idle process  {(peak - idle) / 1e6:F1} MB = {(double)(peak - idle) / modelBytes:F2} x the FP32 model"));
            return tasks == clients * rounds ? 0 : 1;
        }
        finally
        {
            if (!coordinator.HasExited) coordinator.Kill(entireProcessTree: true);
            await coordinator.WaitForExitAsync().ConfigureAwait(false);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task WaitAsync(Task task, Task exited, Process coordinator)
    {
        if (await Task.WhenAny(task, exited).WaitAsync(TimeSpan.FromMinutes(20)).ConfigureAwait(false) == exited)
            throw new InvalidOperationException($"The coordinator exited with code {coordinator.ExitCode} in the middle of the rounds (see its output above).");
    }

    private static Process StartCoordinator(string host, int port, string directory, int clients, int rounds, int uploads, CodecKind codec, IReadOnlyList<KeyValuePair<string, string>> extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(host);
        var environment = start.Environment;
        environment["Urls"] = $"http://127.0.0.1:{port}";
        // Measures the coordinator's memory, not TLS: plain text, said explicitly.
        environment["Security__Mode"] = "Insecure";
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["CentralEvaluation__Dataset"] = "none";
        environment["Federation__Model"] = "cnn";
        environment["Federation__Rounds"] = rounds.ToString(CultureInfo.InvariantCulture);
        environment["Federation__MinClients"] = clients.ToString(CultureInfo.InvariantCulture);
        environment["Federation__ClientsPerRound"] = clients.ToString(CultureInfo.InvariantCulture);
        environment["Federation__MinResults"] = clients.ToString(CultureInfo.InvariantCulture);
        environment["Federation__FederatedEvaluation"] = "false";
        environment["Federation__MaxConcurrentUploads"] = uploads.ToString(CultureInfo.InvariantCulture);
        environment["Federation__UpdateCodecs__0"] = codec.ToString();
        environment["Federation__DatabasePath"] = Path.Combine(directory, "coordinator.db");
        foreach (var (key, value) in extra) environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the coordinator.");
        // Drain its output so it never blocks on a full pipe; warnings are shown.
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[coordinator] " + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[coordinator] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The GC settings in the host's runtimeconfig.json (what a user's coordinator runs with).</summary>
    private static string GcSettings(string host)
    {
        string config = Path.ChangeExtension(host, ".runtimeconfig.json");
        if (!File.Exists(config)) return "defaults (no runtimeconfig.json)";
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(config));
        var settings = new List<string>();
        if (document.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Name.StartsWith("System.GC.", StringComparison.Ordinal)) settings.Add($"{property.Name}={property.Value}");
            }
        }
        return settings.Count > 0 ? string.Join(", ", settings) + " (runtimeconfig.json)" : "runtime defaults";
    }
}
