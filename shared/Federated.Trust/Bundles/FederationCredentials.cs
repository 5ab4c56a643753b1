using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Trust.Bundles;

/// <summary>
/// A party's own certificate with its private key, and the <see cref="FederationTrust"/> it
/// verifies others with. Loaded from a startup bundle.
/// </summary>
public sealed class FederationCredentials : IDisposable
{
    private FederationCredentials(X509Certificate2 certificate, FederationTrust trust, string identity, FederationRole role, BundleManifest? manifest)
    {
        Certificate = certificate;
        Trust = trust;
        Identity = identity;
        Role = role;
        Manifest = manifest;
    }

    /// <summary>This party's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The federation CA and revocation list.</summary>
    public FederationTrust Trust { get; }

    /// <summary>This party's identity (certificate CN).</summary>
    public string Identity { get; }

    /// <summary>This party's role.</summary>
    public FederationRole Role { get; }

    /// <summary>The bundle's manifest (addresses); null when built in memory.</summary>
    public BundleManifest? Manifest { get; }

    /// <summary>
    /// Credentials from a certificate with key and a trust; checks the certificate is trusted by
    /// it (same CA, valid, not revoked, has a role).
    /// </summary>
    /// <exception cref="FederationTrustException">The certificate is not trusted; the message says why.</exception>
    public static FederationCredentials Create(X509Certificate2 certificate, FederationTrust trust, FederationRole? expectedRole = null) =>
        Create(certificate, trust, expectedRole, null, "certificate");

    /// <summary>Loads the bundle in <paramref name="bundleDirectory"/>, opening its PFX with <paramref name="password"/>.</summary>
    /// <exception cref="FederationTrustException">A file is missing or damaged, the password is wrong, or the certificate is not trusted by the bundle's CA.</exception>
    public static FederationCredentials Load(string bundleDirectory, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(bundleDirectory);
        var manifest = BundleManifest.Read(bundleDirectory);
        var pfxPath = Path.Combine(bundleDirectory, manifest.PfxFile);
        var certificate = PemFiles.LoadPfx(pfxPath, password);

        try
        {
            var caPath = Path.Combine(bundleDirectory, manifest.CaFile);
            var crlPath = manifest.CrlFile is null ? null : Path.Combine(bundleDirectory, manifest.CrlFile);
            var trust = FederationTrust.Load(caPath, crlPath);
            var credentials = Create(certificate, trust, manifest.Role, manifest, pfxPath);
            if (credentials.Identity != manifest.Identity)
            {
                throw new FederationTrustException(
                    $"Bundle '{bundleDirectory}': manifest identity '{manifest.Identity}' differs from the certificate's '{credentials.Identity}'.");
            }

            return credentials;
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    private static FederationCredentials Create(
        X509Certificate2 certificate, FederationTrust trust, FederationRole? expectedRole, BundleManifest? manifest, string source)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trust);
        if (!certificate.HasPrivateKey)
        {
            throw new FederationTrustException($"{source}: certificate '{certificate.Subject}' has no private key.");
        }

        var check = trust.Check(certificate, expectedRole);
        if (!check.Trusted)
        {
            throw new FederationTrustException($"{source}: {check.Reason}");
        }

        return new FederationCredentials(certificate, trust, check.Identity!, check.Role!.Value, manifest);
    }

    /// <inheritdoc/>
    public void Dispose() => Certificate.Dispose();
}
