using System.Security.Cryptography.X509Certificates;

namespace Federated.Trust.Pki;

/// <summary>The CA's record of one certificate it issued, and whether it is revoked.</summary>
/// <param name="Serial">Serial number, normalised hexadecimal (<see cref="SerialNumbers"/>).</param>
/// <param name="Identity">Subject CN.</param>
/// <param name="Role">Role encoded in the certificate.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="Thumbprint">SHA-1 thumbprint as .NET shows it (lookup only, not security).</param>
/// <param name="KeyAlgorithm">"ECDSA P-256" or "RSA 3072".</param>
/// <param name="RevokedAt">When it was revoked; null while valid.</param>
/// <param name="RevocationReason">Why it was revoked; null while valid.</param>
public sealed record IssuedCertificate(
    string Serial,
    string Identity,
    FederationRole Role,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string Thumbprint,
    string KeyAlgorithm,
    DateTimeOffset? RevokedAt = null,
    X509RevocationReason? RevocationReason = null)
{
    /// <summary>True once revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;
}
