using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Trust.Cms;

/// <summary>The outcome of <see cref="CmsSignature.Verify"/>.</summary>
/// <param name="Valid">True when the signature matches the content and the signer is trusted with the expected role.</param>
/// <param name="Reason">Why it failed (names the signer and what failed), or a short confirmation.</param>
/// <param name="Signer">The embedded signer certificate, when one could be read.</param>
/// <param name="Identity">The signer's federation identity, when trusted.</param>
/// <param name="Role">The signer's role, when it has one.</param>
/// <param name="SigningTime">The signed signing-time attribute (the signer's claim, not proof), if present.</param>
public sealed record SignatureCheckResult(
    bool Valid,
    string Reason,
    X509Certificate2? Signer,
    string? Identity,
    FederationRole? Role,
    DateTimeOffset? SigningTime)
{
    internal static SignatureCheckResult Invalid(string reason, X509Certificate2? signer = null) =>
        new(false, reason, signer, null, null, null);
}
