using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>Security</c> section (validated at start-up), <see cref="TransportSecurity"/>,
    /// the gRPC certificate interceptor, and, when <c>Security:Bundle</c> is set, the coordinator's
    /// <see cref="FederationCredentials"/> loaded from it (in any mode: signing uses them too). A
    /// <see cref="FederationCredentials"/> registered before this call wins.
    /// </summary>
    public static IServiceCollection AddFederatedTransportSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SecurityOptions.SectionName);
        services.AddOptions<SecurityOptions>()
            .Bind(section, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>());
        services.TryAddSingleton<TransportSecurity>();
        services.TryAddSingleton<ClientCertificateInterceptor>();
        if (!string.IsNullOrEmpty(section[nameof(SecurityOptions.Bundle)]))
            services.TryAddSingleton(provider => CoordinatorBundle.Load(provider.GetRequiredService<IOptions<SecurityOptions>>().Value));
        // First among the hosted services: a coordinator without its credentials stops before it serves anything.
        services.AddHostedService<TransportSecurityStartup>();
        return services;
    }
}
