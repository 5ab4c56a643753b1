using Federated.Coordinator.Hosting;
using Federated.Coordinator.Mqtt;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federated.Tests.Integration;

/// <summary>A real coordinator (Kestrel, HTTP/2, SQLite) on a free loopback port, in this process.</summary>
internal sealed class LoopbackCoordinator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly bool _ownsDirectory;

    private LoopbackCoordinator(WebApplication app, string directory, string databasePath, bool ownsDirectory)
    {
        _app = app;
        _ownsDirectory = ownsDirectory;
        Directory = directory;
        DatabasePath = databasePath;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Address = new Uri(addresses.First());
    }

    public Uri Address { get; }

    public string Directory { get; }

    public string DatabasePath { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a coordinator with <paramref name="settings"/> (keys below <c>Federation</c>, e.g. "Rounds";
    /// keys starting with <c>Mqtt:</c> configure the MQTT channel, which is off unless they enable it;
    /// keys starting with <c>Security:</c> configure transport security, which is plain text
    /// (<c>Security:Mode=Insecure</c>) unless they say otherwise: mutual TLS then covers gRPC and MQTT).
    /// Its database lives in <paramref name="directory"/> when given (the caller then deletes it), else in a fresh temporary folder.
    /// </summary>
    public static async Task<LoopbackCoordinator> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null, string? directory = null)
    {
        bool ownsDirectory = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "federated-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        string database = Path.Combine(directory, "coordinator.db");
        // Plain text unless a test asks for mutual TLS: the fixture says so explicitly.
        var configuration = new Dictionary<string, string?> { ["Federation:DatabasePath"] = database, ["Security:Mode"] = "Insecure" };
        foreach (var (key, value) in settings)
            configuration[IsSectionKey(key) ? key : "Federation:" + key] = value;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("Grpc", LogLevel.Warning).AddFilter("MQTTnet", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseFederationTransport();
        }));
        builder.Services.AddFederatedCoordinator(builder.Configuration);
        builder.Services.AddFederatedMqtt(builder.Configuration);
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapFederatedCoordinator();
        await app.StartAsync().ConfigureAwait(false);
        // With MQTT on, the coordinator is ready once its channel listens to devices.
        if (app.Services.GetService<MqttCoordinatorChannel>() is { } mqtt) await mqtt.FirstConnection.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return new LoopbackCoordinator(app, directory, database, ownsDirectory);
    }

    private static bool IsSectionKey(string key) =>
        key.StartsWith(MqttChannelOptions.SectionName + ":", StringComparison.Ordinal) || key.StartsWith(SecurityOptions.SectionName + ":", StringComparison.Ordinal);

    /// <summary>Opens the coordinator's database with a second, independent store, as a later reader would.</summary>
    public async Task<SqliteCoordinatorStore> OpenStoreAsync()
    {
        var store = new SqliteCoordinatorStore(DatabasePath);
        await store.InitializeAsync().ConfigureAwait(false);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (!_ownsDirectory) return;
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on this platform; the temp folder is cleaned by the OS.
        }
    }
}
