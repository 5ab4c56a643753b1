using System.Security.Cryptography.X509Certificates;

namespace Federated.Trust.Pki;

/// <summary>The outcome of <see cref="FederationTrust.Check"/>.</summary>
/// <param name="Trusted">True when the certificate chains to the federation CA, is valid now, not revoked and has the expected role.</param>
/// <param name="Reason">Why it is not trusted (names the subject and what failed), or a short confirmation.</param>
/// <param name="Identity">The certificate's federation identity when it could be read; null otherwise.</param>
/// <param name="Role">The certificate's role when it has one.</param>
/// <param name="Certificate">The certificate checked.</param>
public sealed record TrustCheckResult(bool Trusted, string Reason, string? Identity, FederationRole? Role, X509Certificate2 Certificate)
{
    internal static TrustCheckResult Refused(X509Certificate2 certificate, string reason, string? identity = null, FederationRole? role = null) =>
        new(false, $"Certificate '{certificate.Subject}' {reason}.", identity, role, certificate);
}
