using System.Diagnostics;
using System.Globalization;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>
/// A Mosquitto 2 broker of the scenario's own (/usr/sbin/mosquitto, <c>apt-get install mosquitto</c>)
/// on a loopback port: anonymous, no persistence (the embedded broker keeps nothing on disk either),
/// a queue deep enough for a thousand devices' requests to the coordinator's one session, and
/// TCP_NODELAY on, as for any request/reply traffic (otherwise Nagle's algorithm holds small replies
/// back waiting for the peer's delayed ACK).
/// </summary>
internal sealed class MosquittoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private MosquittoProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public static async Task<MosquittoProcess> StartAsync(bool noDelay)
    {
        int port = LoopbackPorts.Free();
        string directory = Path.Combine(Path.GetTempPath(), "federated-mqtt-fleet-mosquitto-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllLinesAsync(config,
        [
            string.Create(CultureInfo.InvariantCulture, $"listener {port} 127.0.0.1"),
            "allow_anonymous true",
            "persistence false",
            "max_queued_messages 100000",
            noDelay ? "set_tcp_nodelay true" : "set_tcp_nodelay false",
            // As root Mosquitto would switch to its own user; stay whoever runs the benchmark.
            $"user {Environment.UserName}",
            "log_dest none",
        ]).ConfigureAwait(false);
        string executable = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        var process = Process.Start(new ProcessStartInfo(executable, ["-c", config]) { UseShellExecute = false, RedirectStandardError = true })
            ?? throw new InvalidOperationException("Could not start mosquitto (apt-get install mosquitto).");
        var broker = new MosquittoProcess(process, directory, port);
        try
        {
            await LoopbackPorts.WaitUntilListeningAsync(port, process, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return broker;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
