using System.Diagnostics;
using System.Globalization;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>
/// The coordinator executable (federated-coordinator) as its own process, so its memory is its own:
/// with <c>Mqtt:Broker=Embedded</c> that includes the MQTTnet broker, as in production. Ready once
/// its MQTT channel has connected and subscribed (it logs so).
/// </summary>
internal sealed class CoordinatorProcess : IAsyncDisposable
{
    /// <summary>Lines shown before the rest are dropped (a warning per refused update would flood the console); critical ones always show.</summary>
    private const int ShownLines = 20;

    private readonly Process _process;
    private readonly string _directory;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lines;

    private CoordinatorProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public int Pid => _process.Id;

    /// <param name="settings">Configuration keys (<c>Federation:Mode</c>, <c>Mqtt:Port</c>, ...) set through its environment.</param>
    /// <param name="extra">Further environment variables (<c>--env</c>), applied last.</param>
    public static async Task<CoordinatorProcess> StartAsync(IReadOnlyDictionary<string, string> settings, IReadOnlyList<KeyValuePair<string, string>> extra)
    {
        string directory = Path.Combine(Path.GetTempPath(), "federated-mqtt-fleet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CoordinatorHostBuild.Assembly());
        var environment = start.Environment;
        environment["Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{LoopbackPorts.Free()}");
        // Measures fleets, not TLS: plain text, said explicitly.
        environment["Security__Mode"] = "Insecure";
        // Per-update information lines would cost the coordinator more than the updates; the channel's start is the readiness signal.
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["Logging__LogLevel__Federated.Coordinator.Mqtt.MqttCoordinatorChannel"] = "Information";
        environment["CentralEvaluation__Dataset"] = "none";
        environment["Federation__DatabasePath"] = Path.Combine(directory, "coordinator.db");
        foreach (var (key, value) in settings) environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        foreach (var (key, value) in extra) environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the coordinator.");
        var coordinator = new CoordinatorProcess(process, directory);
        process.OutputDataReceived += (_, e) => coordinator.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => coordinator.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(coordinator._connected.Task, exited).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            if (first == exited) throw new InvalidOperationException($"The coordinator exited with code {process.ExitCode} before its MQTT channel connected (see its output above).");
        }
        catch
        {
            await coordinator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return coordinator;
    }

    /// <summary>Throws if the coordinator died, e.g. while devices were still working with it.</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited) throw new InvalidOperationException($"The coordinator exited with code {_process.ExitCode} (see its output above).");
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        if (line.Contains("MQTT channel connected", StringComparison.Ordinal))
        {
            _connected.TrySetResult();
            return;
        }
        // A critical line says why the coordinator stops: always shown.
        if (line.Contains(" crit: ", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("[coordinator] " + line);
            return;
        }
        int count = Interlocked.Increment(ref _lines);
        if (count <= ShownLines) Console.Error.WriteLine("[coordinator] " + line);
        else if (count == ShownLines + 1) Console.Error.WriteLine("[coordinator] (further output not shown)");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
