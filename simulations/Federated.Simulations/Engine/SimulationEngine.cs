using System.Diagnostics;
using System.Globalization;
using Federated.Client;
using Federated.Client.Caching;
using Federated.Client.Connection;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Rounds;
using Federated.Coordinator.Transport;
using Federated.Simulations.Partitioning;
using Federated.Simulations.Reporting;
using Federated.Simulations.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Federated.Client.SecureAggregation;

namespace Federated.Simulations.Engine;

/// <summary>
/// Runs a whole federation in this process: the production coordinator (orchestrator, strategy,
/// validation, SQLite) and one production <see cref="FederatedClient"/> per virtual client, joined
/// through the in-process channel (or real gRPC in loopback mode). Virtual clients hold only their
/// example indices; a few pooled workers do the training.
/// </summary>
public sealed class SimulationEngine : ISimulationEngine
{
    /// <summary>The final global model's file name in a run folder.</summary>
    public const string FinalModelFile = "global-model.fedmodel";

    /// <summary>Stateless: every virtual client can share it.</summary>
    private static readonly SecureAggregationParticipant SecureParticipant = new();

    public async Task<SimulationResult> RunAsync(SimulationScenario scenario, ISimulationObserver observer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(observer);
        var wall = Stopwatch.StartNew();
        string output = CreateOutputDirectory(scenario);

        var data = SimulationData.Load(scenario);
        var architecture = data.ResolveModel(scenario.Model);
        var partitioner = PartitionerFactory.Create(scenario.Partition);
        int[][] partition = partitioner.Partition(data.Train, scenario.Clients, scenario.Seed);
        var histogram = LabelHistogram.Compute(data.Train, partition);
        histogram.WriteCsv(Path.Combine(output, "label-histogram.csv"));
        observer.Started(data.Description, partitioner.Name, histogram.ToSummaryText(), scenario.Rounds, output);

        int workers = scenario.Workers > 0 ? scenario.Workers : Environment.ProcessorCount;
        int threadsPerWorker = Math.Max(1, Environment.ProcessorCount / workers);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var evaluator = new SimulationCentralEvaluator(data.Test, "auto");
        var faults = new FaultPlan(scenario.Faults, scenario.Seed, scenario.RoundTimeoutSeconds);
        var clients = new VirtualClient[partition.Length];
        for (int i = 0; i < clients.Length; i++) clients[i] = new VirtualClient(i, partition[i]);

        var reports = new List<RoundReport>(scenario.Rounds);
        var allJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SimulationContext? context = null;
        await using var host = await SimulationHost.StartAsync(scenario, architecture, Path.Combine(output, "coordinator.db"), clock, evaluator,
            services =>
            {
                context = new SimulationContext(services.GetRequiredService<FederationRuntime>(), services.GetRequiredService<ClientGateway>(),
                    clock, new WorkerPool(workers), faults, data.Train, "auto", threadsPerWorker);
                return new JoinGate(allJoined.Task, new SimulationRoundObserver(context, clients, evaluator, SimulationHost.ClientTimeout, report =>
                {
                    reports.Add(report);
                    observer.RoundFinished(report);
                }));
            }, ct).ConfigureAwait(false);
        // The orchestrator resolved its observers on start, which built the context.
        var shared = context ?? throw new InvalidOperationException("The coordinator started without the simulation's round observer.");

        using var channel = host.Address is { } address ? GrpcCoordinatorConnection.CreateChannel(address) : null;
        var cache = new MemoryModelCache();
        var runs = new Task<ClientRunSummary>[clients.Length];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Once the federation is over, clients held offline must come back to hear so.
        using var finished = shared.Runtime.FinishedToken.Register(() =>
        {
            foreach (var client in clients) client.SetOnline(true);
        });
        try
        {
            // Join one by one: join order fixes the order clients are sampled in, hence reproducibility.
            for (int i = 0; i < clients.Length; i++)
            {
                ICoordinatorConnection inner = channel is null ? new InProcessConnection(shared.Gateway) : new GrpcCoordinatorConnection(channel);
                var connection = new VirtualClientConnection(inner, clients[i], shared);
                var options = new FederatedClientOptions { Name = string.Create(CultureInfo.InvariantCulture, $"virtual-{i:D5}"), MaxAttempts = 5, SecureAggregation = SecureParticipant,
                    PrivacyNoiseSeed = (long)scenario.Seed * 1_000_003 + i };
                var client = new FederatedClient(connection, new PooledTrainer(clients[i], shared), options, cache: cache, time: clock);
                runs[i] = RunClientAsync(client, connection, stop.Token);
                await Task.WhenAny(clients[i].Joined.Task, runs[i]).ConfigureAwait(false);
                if (runs[i].IsFaulted) await runs[i].ConfigureAwait(false);
            }
            allJoined.TrySetResult();
            await Task.WhenAll(runs).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var client in clients) client.Dispose();
        }

        if (reports.Count < scenario.Rounds)
            throw new InvalidOperationException($"The simulation stopped after {reports.Count} of {scenario.Rounds} rounds: {shared.Runtime.FinishReason}");
        string? modelPath = await WriteFinalModelAsync(shared.Gateway, runs, output, ct).ConfigureAwait(false);
        using var process = Process.GetCurrentProcess();
        return new SimulationResult(scenario.Name, data.Description, partitioner.Name, reports, wall.Elapsed.TotalSeconds, output)
        {
            PeakMemoryBytes = process.PeakWorkingSet64,
            ModelPath = modelPath,
        };
    }

    /// <summary>
    /// Leaves the federation's final global model in the run folder as a model file
    /// (<see cref="FinalModelFile"/>), the input of the edge tools (<c>federated-edge export/quantize</c>).
    /// </summary>
    private static async Task<string?> WriteFinalModelAsync(ClientGateway gateway, Task<ClientRunSummary>[] runs, string output, CancellationToken ct)
    {
        string? hash = null;
        foreach (var run in runs) hash ??= (await run.ConfigureAwait(false)).FinalModelHash;
        if (hash is null) return null;
        byte[]? model = await gateway.GetModelAsync(hash, ct).ConfigureAwait(false);
        if (model is null) return null;
        string path = Path.Combine(output, FinalModelFile);
        await File.WriteAllBytesAsync(path, model, ct).ConfigureAwait(false);
        return path;
    }

    private static async Task<ClientRunSummary> RunClientAsync(FederatedClient client, ICoordinatorConnection connection, CancellationToken cancellationToken)
    {
        await using (connection.ConfigureAwait(false))
        {
            return await client.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string CreateOutputDirectory(SimulationScenario scenario)
    {
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string directory = Path.GetFullPath(Path.Combine(scenario.OutputDirectory, $"{scenario.Name}-{stamp}"));
        for (int attempt = 2; Directory.Exists(directory); attempt++)
            directory = Path.GetFullPath(Path.Combine(scenario.OutputDirectory, $"{scenario.Name}-{stamp}-{attempt}"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Holds the first round until every virtual client has joined, then defers to the simulation's observer.</summary>
    private sealed class JoinGate(Task allJoined, IRoundObserver inner) : IRoundObserver
    {
        public async Task BeforeRoundAsync(long round, CancellationToken cancellationToken)
        {
            await allJoined.WaitAsync(cancellationToken).ConfigureAwait(false);
            await inner.BeforeRoundAsync(round, cancellationToken).ConfigureAwait(false);
        }

        public Task RoundFinishedAsync(RoundRecord round, CancellationToken cancellationToken) => inner.RoundFinishedAsync(round, cancellationToken);
    }
}
