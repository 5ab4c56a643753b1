using Federated.Trust.Bundles;
using Federated.Trust.Pki;

namespace Federated.Coordinator.Security;

/// <summary>Loads the coordinator's credentials as the <c>Security</c> section names them.</summary>
internal static class CoordinatorBundle
{
    public static FederationCredentials Load(SecurityOptions options)
    {
        const string S = SecurityOptions.SectionName;
        string bundle = options.Bundle ?? throw new InvalidOperationException($"{S}:Bundle is not set.");
        string password;
        try
        {
            password = BundlePassword.Read(options.PasswordFile, $"{S}:PasswordFile");
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
        FederationCredentials credentials;
        try
        {
            credentials = FederationCredentials.Load(bundle, password);
        }
        catch (FederationTrustException e)
        {
            throw new InvalidOperationException($"{S}:Bundle = '{bundle}' cannot be used: {e.Message}", e);
        }
        if (credentials.Role != FederationRole.Coordinator)
        {
            credentials.Dispose();
            throw new InvalidOperationException($"{S}:Bundle = '{bundle}' holds the {credentials.Role} certificate of '{credentials.Identity}', not a coordinator's (issue one with 'federated-trust issue coordinator').");
        }
        if (options.RevocationList is not { } crl) return credentials;
        try
        {
            // Same certificate, but trust that follows the configured revocation list instead of the bundle's copy.
            var trust = FederationTrust.Create(credentials.Trust.Root, crl);
            return FederationCredentials.Create(credentials.Certificate, trust, FederationRole.Coordinator);
        }
        catch (FederationTrustException e)
        {
            throw new InvalidOperationException($"{S}:RevocationList = '{crl}' cannot be used: {e.Message}", e);
        }
    }
}
