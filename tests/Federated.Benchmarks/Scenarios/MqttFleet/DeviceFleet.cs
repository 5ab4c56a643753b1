using Federated.Client;
using Federated.Client.Caching;
using Federated.Client.Mqtt;
using Federated.Shared.Training;
using Grpc.Core;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>
/// Many devices in this process, each a <see cref="FederatedClient"/> on its own MQTT connection
/// (its own socket, session and last will), as a fleet of phones would be. Devices are started in
/// batches, each batch once the previous one has joined, so the broker sees a steady arrival rather
/// than a thousand simultaneous connects overflowing its listen backlog.
/// </summary>
internal sealed class DeviceFleet : IAsyncDisposable
{
    private readonly List<CountingConnection> _connections = [];
    private readonly List<Task> _runs = [];
    private readonly CancellationTokenSource _stop = new();

    private DeviceFleet() { }

    public FleetCounters Counters { get; private init; } = new();

    /// <summary>Completes when every device's task loop has ended (the federation finished, or <see cref="DisposeAsync"/>).</summary>
    public Task Finished => Task.WhenAll(_runs);

    /// <param name="counters">Where the devices count what they see (shared with whoever watches them), or null for a fresh set.</param>
    public static async Task<DeviceFleet> StartAsync(int count, int port, string federation, Func<int, ILocalTrainer> trainer, TimeSpan pollWait, int batch, TimeSpan joinTimeout,
        FleetCounters? counters = null)
    {
        var fleet = new DeviceFleet { Counters = counters ?? new FleetCounters() };
        string run = Guid.NewGuid().ToString("N")[..8];
        try
        {
            for (int start = 0; start < count; start += batch)
            {
                int end = Math.Min(count, start + batch);
                for (int i = start; i < end; i++)
                {
                    var connection = new CountingConnection(new MqttCoordinatorConnection(new MqttConnectionOptions
                    {
                        Port = port,
                        Federation = federation,
                        DeviceId = $"fleet-{run}-{i}",
                    }), fleet.Counters);
                    var options = new FederatedClientOptions
                    {
                        Name = $"device-{i}",
                        PollWait = pollWait,
                        InitialBackoff = TimeSpan.FromMilliseconds(200),
                        MaxBackoff = TimeSpan.FromSeconds(5),
                    };
                    // A cache of its own per device: each downloads every model it trains on over MQTT.
                    var client = new FederatedClient(connection, trainer(i), options, cache: new MemoryModelCache(1));
                    fleet._connections.Add(connection);
                    fleet._runs.Add(RunUntilStoppedAsync(client, fleet._stop.Token));
                }
                await fleet.WaitForJoinsAsync(end, joinTimeout).ConfigureAwait(false);
            }
        }
        catch
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return fleet;
    }

    private async Task WaitForJoinsAsync(int joined, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Counters.Joined < joined)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Only {Counters.Joined} of {joined} devices joined within {timeout.TotalSeconds:0} s ({Counters.FailedCalls} failed calls).");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>A device's loop, ended quietly by the fleet's stop.</summary>
    private static async Task RunUntilStoppedAsync(FederatedClient client, CancellationToken stop)
    {
        await Task.Yield();
        try
        {
            await client.RunAsync(stop).ConfigureAwait(false);
        }
        catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or RpcException)
        {
            // Stopped: a call cut short by the stop may end as a transport error rather than a cancellation.
        }
    }

    /// <summary>Stops every device's loop, then closes their connections (a goodbye each where the broker is still up).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_runs).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"[fleet] a device loop ended with {e.GetType().Name}: {e.Message}");
        }
        await Parallel.ForEachAsync(_connections, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (connection, _) => await connection.DisposeAsync().ConfigureAwait(false)).ConfigureAwait(false);
        _stop.Dispose();
    }
}
