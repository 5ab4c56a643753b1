using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
        int clients = IntOption(args, "--clients", 100);
        int rounds = IntOption(args, "--rounds", 3);
        int uploads = IntOption(args, "--max-concurrent-uploads", 2);
        int warmUp = IntOption(args, "--warm-up-rounds", 1);
        if (warmUp < 1 || warmUp >= rounds) throw new ArgumentException($"--warm-up-rounds must be at least 1 and below --rounds ({rounds}).");
        var codec = Enum.Parse<CodecKind>(Option(args, "--update-codec") ?? "Fp32", ignoreCase: true);
        string host = HostAssembly();
        var architecture = ModelZoo.Cnn();
        long modelBytes = architecture.Layout.TotalLength * sizeof(float);

        string directory = Path.Combine(Path.GetTempPath(), "federated-memory-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        int port = FreePort();
        using var coordinator = StartCoordinator(host, port, directory, clients, rounds, uploads, codec, EnvOptions(args));
        try
        {
            await WaitUntilListeningAsync(port, coordinator).ConfigureAwait(false);
            long idle = StatusKilobytes(coordinator.Id, "VmRSS") * 1024;

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
            long baseline = StatusKilobytes(coordinator.Id, "VmRSS") * 1024;
            await File.WriteAllTextAsync($"/proc/{coordinator.Id}/clear_refs", "5").ConfigureAwait(false);
            warmedUp.Release();

            await WaitAsync(allDone, exited, coordinator).ConfigureAwait(false);
            var summaries = await allDone.ConfigureAwait(false);
            long peak = StatusKilobytes(coordinator.Id, "VmHWM") * 1024;
            stopwatch.Stop();
            foreach (var connection in connections) await connection.DisposeAsync().ConfigureAwait(false);

            int tasks = 0;
            foreach (var summary in summaries) tasks += summary.TasksCompleted;
            var invariant = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(invariant, $"coordinator memory: {clients} clients, {rounds} rounds of the CNN ({modelBytes / 1e6:F1} MB FP32), {codec} updates, {uploads} concurrent uploads"));
            Console.WriteLine($"  coordinator GC        {GcSettings(host)}");
            foreach (var (key, value) in EnvOptions(args)) Console.WriteLine($"  coordinator env       {key}={value}");
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

    private static async Task WaitUntilListeningAsync(int port, Process coordinator)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (coordinator.HasExited) throw new InvalidOperationException($"The coordinator exited with code {coordinator.ExitCode} before it listened.");
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        throw new TimeoutException($"The coordinator did not listen on port {port} within a minute.");
    }

    private static long StatusKilobytes(int pid, string field)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            string number = line[(field.Length + 1)..].Trim().Split(' ')[0];
            return long.Parse(number, CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no {field} line.");
    }

    private static string HostAssembly()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Federated.sln"))) directory = Path.GetDirectoryName(directory);
        if (directory is null) throw new InvalidOperationException("Run this from inside the repository (Federated.sln not found above the benchmarks).");
        string host = Path.Combine(directory, "coordinator/Federated.Coordinator.Host/bin/Release/net10.0/federated-coordinator.dll");
        return File.Exists(host) ? host : throw new FileNotFoundException("Build the coordinator host first: dotnet build coordinator/Federated.Coordinator.Host -c Release", host);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static List<KeyValuePair<string, string>> EnvOptions(string[] args)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] != "--env") continue;
            int equals = args[i + 1].IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new ArgumentException($"--env expects KEY=VALUE, got '{args[i + 1]}'.");
            pairs.Add(new(args[i + 1][..equals], args[i + 1][(equals + 1)..]));
        }
        return pairs;
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
