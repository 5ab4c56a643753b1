using Federated.Coordinator.Rounds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Federated.Coordinator.Security;

public static class SigningServiceCollectionExtensions
{
    /// <summary>
    /// Registers model signing, update signature checks (both active when the federation's
    /// <see cref="Trust.Bundles.FederationCredentials"/> or <see cref="Trust.Pki.FederationTrust"/> are
    /// registered) and the audit log, with options from the <c>Signing</c> and <c>Audit</c> sections.
    /// Called by <c>AddFederatedCoordinator</c>; calling it again is harmless.
    /// </summary>
    public static IServiceCollection AddFederatedSigningAndAudit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SigningOptions>()
            .Bind(configuration.GetSection(SigningOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true);
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true);
        services.TryAddSingleton<SigningService>();
        services.TryAddSingleton<AuditRecorder>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoundObserver, AuditRecorder>(provider => provider.GetRequiredService<AuditRecorder>()));
        return services;
    }
}
