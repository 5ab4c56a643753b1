using Federated.Coordinator.Options;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Rounds;
using Federated.Coordinator.Security;
using Federated.Coordinator.Strategies;
using Federated.Coordinator.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Hosting;

public static class CoordinatorServiceCollectionExtensions
{
    /// <summary>
    /// Registers a coordinator: options from the <c>Federation</c> section (validated at start-up,
    /// errors name the key), transport security from the <c>Security</c> section (mutual TLS unless
    /// <c>Security:Mode</c> is <c>Insecure</c>), the SQLite store, FedAvg, the round orchestrator and the gRPC service.
    /// Register an <see cref="Evaluation.ICentralEvaluator"/> as well to evaluate every round centrally.
    /// </summary>
    public static IServiceCollection AddFederatedCoordinator(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddFederatedTransportSecurity(configuration);
        services.AddOptions<FederationOptions>()
            .Bind(configuration.GetSection(FederationOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FederationOptions>, FederationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICoordinatorStore>(provider =>
            new SqliteCoordinatorStore(provider.GetRequiredService<IOptions<FederationOptions>>().Value.DatabasePath));
        services.TryAddSingleton<IStrategy>(provider =>
        {
            var federation = provider.GetRequiredService<IOptions<FederationOptions>>().Value;
            return StrategyFactory.Create(federation.Strategy.Name, federation.Strategy.Options, federation);
        });
        services.AddSingleton<ClientRegistry>();
        services.AddSingleton<FederationRuntime>();
        services.AddFederatedSigningAndAudit(configuration);
        services.AddSingleton<ClientGateway>();
        services.AddSingleton<UploadBuffers>();
        services.TryAddSingleton<GlobalModelCatalog>();
        services.AddHostedService<StoreInitializer>();
        services.AddHostedService<RoundOrchestrator>();
        services.AddGrpc(grpc =>
        {
            // Chunks are at most Federation:ChunkBytes (< 4 MiB); keep gRPC's 4 MiB message ceiling.
            grpc.MaxReceiveMessageSize = 4 * 1024 * 1024;
            grpc.MaxSendMessageSize = 4 * 1024 * 1024;
            // Under mutual TLS every call's certificate is checked again (revocation on open connections).
            grpc.Interceptors.Add<ClientCertificateInterceptor>();
        });
        return services;
    }

    /// <summary>Serves the coordinator's gRPC contract.</summary>
    public static IEndpointRouteBuilder MapFederatedCoordinator(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<GrpcCoordinatorService>();
        return endpoints;
    }
}
