using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Federated.Coordinator.Mqtt;
using Federated.Tests.Integration;
using Federated.Tests.Trust.Tls;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Tests.Mqtt;

/// <summary>
/// A broker a test federation runs on: the coordinator's embedded MQTTnet broker or a Mosquitto
/// process; plain text, or mutual TLS with a <see cref="TlsFederation"/>'s certificates.
/// </summary>
internal abstract class TestBroker : IAsyncDisposable
{
    protected TestBroker(int port, TlsFederation? tls)
    {
        Port = port;
        Tls = tls;
    }

    public int Port { get; }

    /// <summary>The federation whose certificates the broker requires; null: plain text.</summary>
    public TlsFederation? Tls { get; }

    /// <summary>The coordinator settings that put its MQTT channel on this broker.</summary>
    public abstract Dictionary<string, string?> CoordinatorSettings { get; }

    /// <summary>Stops the broker and starts it again on the same port, as an operator's restart would.</summary>
    public abstract Task RestartAsync(LoopbackCoordinator coordinator);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static async Task<TestBroker> StartAsync(string kind, TlsFederation? tls = null) => kind switch
    {
        "embedded" => new EmbeddedTestBroker(FreePort(), tls),
        "mosquitto" => await MosquittoBroker.StartAsync(FreePort(), tls),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "embedded or mosquitto"),
    };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected Dictionary<string, string?> Settings(string broker)
    {
        var settings = new Dictionary<string, string?>(Tls?.CoordinatorSettings ?? [])
        {
            ["Mqtt:Enabled"] = "true",
            ["Mqtt:Broker"] = broker,
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:Federation"] = "tests",
        };
        return settings;
    }
}

internal sealed class EmbeddedTestBroker(int port, TlsFederation? tls) : TestBroker(port, tls)
{
    public override Dictionary<string, string?> CoordinatorSettings => Settings("Embedded");

    public override async Task RestartAsync(LoopbackCoordinator coordinator)
    {
        var broker = coordinator.Services.GetRequiredService<EmbeddedMqttBroker>();
        await broker.StopAsync(CancellationToken.None);
        await broker.StartAsync(CancellationToken.None);
    }
}

/// <summary>
/// A Mosquitto 2 process on a loopback port with its own configuration (anonymous access, or with TLS
/// the configuration <see cref="MosquittoTlsConfiguration"/> generates from the coordinator's bundle;
/// persistence in a temporary folder so a restart keeps sessions and retained messages, as a
/// production broker does).
/// </summary>
internal sealed class MosquittoBroker : TestBroker
{
    private readonly string _directory;
    private Process? _process;

    private MosquittoBroker(int port, string directory, TlsFederation? tls) : base(port, tls) => _directory = directory;

    public override Dictionary<string, string?> CoordinatorSettings => Settings("External");

    public static async Task<MosquittoBroker> StartAsync(int port, TlsFederation? tls = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "federated-tests", "mosquitto-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string listener = $"listener {port} 127.0.0.1\nallow_anonymous true";
        if (tls is not null)
        {
            string acl = Path.Combine(directory, "federated.acl");
            var generated = MosquittoTlsConfiguration.Create(tls.CoordinatorBundle, "tests", port, acl, "127.0.0.1");
            await File.WriteAllTextAsync(acl, generated.Acl);
            listener = generated.Configuration;
        }
        string config = string.Join('\n',
            listener,
            "persistence true",
            $"persistence_location {directory}/",
            "max_queued_messages 100000",
            // Run as whoever runs the tests (as root Mosquitto would otherwise switch to its own user).
            $"user {Environment.UserName}",
            "log_dest none",
            "");
        await File.WriteAllTextAsync(Path.Combine(directory, "mosquitto.conf"), config);
        var broker = new MosquittoBroker(port, directory, tls);
        await broker.LaunchAsync();
        return broker;
    }

    private async Task LaunchAsync()
    {
        string executable = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        _process = Process.Start(new ProcessStartInfo(executable, ["-c", Path.Combine(_directory, "mosquitto.conf")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start mosquitto (apt-get install mosquitto).");
        // Ready once it accepts connections; give up (and say why) if it exits or never listens.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"mosquitto exited with code {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public override async Task RestartAsync(LoopbackCoordinator coordinator)
    {
        await StopAsync();
        await LaunchAsync();
    }

    private async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited)
        {
            // SIGTERM: Mosquitto writes its persistence file and exits.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }
        process.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
        await base.DisposeAsync();
    }
}
