using System.Net;
using Federated.Coordinator.Evaluation;
using Federated.Coordinator.Hosting;
using Federated.Coordinator.Mqtt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>
/// A real coordinator (the host's services, gRPC on a loopback port, SQLite, the embedded MQTT
/// broker) in this process, with the scenario's own central evaluator: for runs timed on a wall
/// clock, where memory is not the question and a child process would only add start-up time.
/// </summary>
internal sealed class InProcessCoordinator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private InProcessCoordinator(WebApplication app, string directory)
    {
        _app = app;
        _directory = directory;
    }

    /// <param name="settings">Configuration keys, e.g. <c>Federation:Mode</c>; the MQTT channel and database are set here.</param>
    public static async Task<InProcessCoordinator> StartAsync(IReadOnlyDictionary<string, string> settings, int mqttPort, ICentralEvaluator evaluator)
    {
        string directory = Path.Combine(Path.GetTempPath(), "federated-mqtt-fleet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var configuration = new Dictionary<string, string?>
        {
            ["Federation:DatabasePath"] = Path.Combine(directory, "coordinator.db"),
            // Measures fleets, not TLS: plain text, said explicitly.
            ["Security:Mode"] = "Insecure",
            ["Mqtt:Enabled"] = "true",
            ["Mqtt:Broker"] = "Embedded",
            ["Mqtt:Port"] = mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:Federation"] = "fleet",
        };
        foreach (var (key, value) in settings) configuration[key] = value;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        // Dropped devices make every synchronous round log its timeouts: only errors are news here.
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddFederatedCoordinator(builder.Configuration);
        builder.Services.AddFederatedMqtt(builder.Configuration);
        builder.Services.AddSingleton(evaluator);
        var app = builder.Build();
        app.MapFederatedCoordinator();
        var coordinator = new InProcessCoordinator(app, directory);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
            await app.Services.GetRequiredService<MqttCoordinatorChannel>().FirstConnection.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch
        {
            await coordinator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return coordinator;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
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
