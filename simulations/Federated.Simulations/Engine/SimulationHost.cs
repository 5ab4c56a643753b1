using System.Globalization;
using System.Net;
using Federated.Coordinator.Evaluation;
using Federated.Coordinator.Hosting;
using Federated.Coordinator.Rounds;
using Federated.Shared.Models;
using Federated.Simulations.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Federated.Simulations.Engine;

/// <summary>
/// The production coordinator, configured for a simulation: its clock is simulated, its round
/// loop reports to the simulation, and it serves gRPC on a loopback port only in loopback mode.
/// </summary>
internal sealed class SimulationHost : IAsyncDisposable
{
    /// <summary>Clients unheard of for this long (simulated) are not selected; the simulation uses it to take clients offline.</summary>
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromHours(1);

    private readonly IHost _host;

    private SimulationHost(IHost host, Uri? address)
    {
        _host = host;
        Address = address;
    }

    public IServiceProvider Services => _host.Services;

    /// <summary>The gRPC address in loopback mode; null in-process.</summary>
    public Uri? Address { get; }

    public static async Task<SimulationHost> StartAsync(
        SimulationScenario scenario,
        ModelArchitecture architecture,
        string databasePath,
        FakeTimeProvider clock,
        ICentralEvaluator evaluator,
        Func<IServiceProvider, IRoundObserver> observer,
        CancellationToken cancellationToken)
    {
        var settings = Settings(scenario, architecture, databasePath);
        IHost host;
        Uri? address = null;
        if (scenario.Loopback)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            Register(builder.Services, builder.Configuration, clock, evaluator, observer);
            var app = builder.Build();
            app.MapFederatedCoordinator();
            host = app;
        }
        else
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(settings);
            Register(builder.Services, builder.Configuration, clock, evaluator, observer);
            host = builder.Build();
        }
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        if (scenario.Loopback)
            address = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new SimulationHost(host, address);
    }

    private static void Register(IServiceCollection services, IConfiguration configuration, FakeTimeProvider clock, ICentralEvaluator evaluator, Func<IServiceProvider, IRoundObserver> observer)
    {
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(evaluator);
        services.AddSingleton<IRoundObserver>(observer);
        services.AddFederatedCoordinator(configuration);
    }

    private static Dictionary<string, string?> Settings(SimulationScenario scenario, ModelArchitecture architecture, string databasePath)
    {
        var training = scenario.Training;
        var strategy = scenario.Strategy.Options;
        int minResults = scenario.MinResults > 0 ? scenario.MinResults : Math.Max(1, scenario.ClientsPerRound / 2);
        string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
        return new Dictionary<string, string?>
        {
            ["Federation:Model"] = architecture.ToCanonicalString(),
            ["Federation:Seed"] = Invariant(scenario.Seed),
            ["Federation:Rounds"] = Invariant(scenario.Rounds),
            // Availability is the simulation's business (see SimulationRoundObserver): one live client suffices to start.
            ["Federation:MinClients"] = "1",
            ["Federation:ClientsPerRound"] = Invariant(scenario.ClientsPerRound),
            ["Federation:MinResults"] = Invariant(minResults),
            ["Federation:RoundTimeout"] = Invariant(TimeSpan.FromSeconds(scenario.RoundTimeoutSeconds)),
            ["Federation:ClientTimeout"] = Invariant(ClientTimeout),
            ["Federation:FederatedEvaluation"] = "false",
            ["Federation:DatabasePath"] = databasePath,
            // Virtual clients in this process (in-process, or gRPC over loopback to time the transport):
            // no network peers to authenticate, so plain text, said explicitly.
            ["Security:Mode"] = "Insecure",
            ["Federation:Training:Epochs"] = Invariant(training.Epochs),
            ["Federation:Training:BatchSize"] = Invariant(training.BatchSize),
            ["Federation:Training:LearningRate"] = Invariant(training.LearningRate),
            ["Federation:Training:Optimizer"] = training.Optimizer.ToString(),
            ["Federation:Training:Momentum"] = Invariant(training.Momentum),
            ["Federation:Training:WeightDecay"] = Invariant(training.WeightDecay),
            ["Federation:Training:ProximalMu"] = Invariant(training.ProximalMu),
            ["Federation:ModelCodecs:0"] = scenario.ModelCodec,
            ["Federation:UpdateCodecs:0"] = scenario.UpdateCodec,
            ["Federation:Strategy:Name"] = scenario.Strategy.Name,
            ["Federation:Strategy:Options:ServerLearningRate"] = strategy.ServerLearningRate is { } rate ? Invariant(rate) : null,
            ["Federation:Strategy:Options:ServerMomentum"] = Invariant(strategy.ServerMomentum),
            ["Federation:Strategy:Options:Beta1"] = Invariant(strategy.Beta1),
            ["Federation:Strategy:Options:Beta2"] = Invariant(strategy.Beta2),
            ["Federation:Strategy:Options:Tau"] = Invariant(strategy.Tau),
            ["Federation:Strategy:Options:TrimFraction"] = Invariant(strategy.TrimFraction),
            ["Federation:Strategy:Options:ByzantineClients"] = Invariant(strategy.ByzantineClients),
            ["Federation:Strategy:Options:KrumSelect"] = strategy.KrumSelect is { } select ? Invariant(select) : null,
            ["Federation:Strategy:Options:SpillThresholdBytes"] = Invariant(strategy.SpillThresholdBytes),
            ["Federation:SecureAggregation:Enabled"] = scenario.SecureAggregation.Enabled ? "true" : "false",
            ["Federation:SecureAggregation:NeighbourDegree"] = scenario.SecureAggregation.NeighbourDegree > 0 ? Invariant(scenario.SecureAggregation.NeighbourDegree) : null,
            ["Federation:SecureAggregation:ExpectedDropout"] = Invariant(scenario.SecureAggregation.ExpectedDropout),
            ["Federation:SecureAggregation:ThresholdFraction"] = scenario.SecureAggregation.ThresholdFraction > 0 ? Invariant(scenario.SecureAggregation.ThresholdFraction) : null,
            ["Federation:SecureAggregation:ClipRange"] = Invariant(scenario.SecureAggregation.ClipRange),
            ["Federation:SecureAggregation:BitWidth"] = Invariant(scenario.SecureAggregation.BitWidth),
            ["Federation:SecureAggregation:MaxExampleWeight"] = Invariant(scenario.SecureAggregation.MaxExampleWeight),
            ["Federation:SecureAggregation:PhaseTimeout"] = Invariant(TimeSpan.FromSeconds(scenario.SecureAggregation.PhaseTimeoutSeconds)),
            ["Federation:Privacy:Mode"] = scenario.Privacy.Mode,
            ["Federation:Privacy:NoiseMultiplier"] = Invariant(scenario.Privacy.NoiseMultiplier),
            ["Federation:Privacy:ClipNorm"] = Invariant(scenario.Privacy.ClipNorm),
            ["Federation:Privacy:AdaptiveClipping"] = scenario.Privacy.AdaptiveClipping ? "true" : "false",
            ["Federation:Privacy:TargetQuantile"] = Invariant(scenario.Privacy.TargetQuantile),
            ["Federation:Privacy:ClipLearningRate"] = Invariant(scenario.Privacy.ClipLearningRate),
            ["Federation:Privacy:ClipCountNoise"] = scenario.Privacy.ClipCountNoise > 0 ? Invariant(scenario.Privacy.ClipCountNoise) : null,
            ["Federation:Privacy:Delta"] = Invariant(scenario.Privacy.Delta),
            // A simulation is reproducible from its seed, the coordinator's DP noise included.
            ["Federation:Privacy:NoiseSeed"] = Invariant(scenario.Seed),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}
