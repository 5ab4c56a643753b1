using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Trust.Bundles;

/// <summary>Writes a startup bundle folder (see <see cref="BundleFiles"/> for its files).</summary>
public static class FederationBundle
{
    // PBES2 AES-256-CBC with PBKDF2-SHA-256 (RFC 8018); within .NET's default PKCS#12 load limits.
    private static readonly PbeParameters PfxEncryption = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);

    /// <summary>
    /// Writes <c>bundle.json</c>, <c>ca.crt</c>, <c>&lt;identity&gt;.pfx</c> (encrypted with
    /// <paramref name="password"/>, owner-only), <c>&lt;identity&gt;.crt</c> (the public certificate),
    /// <c>crl.pem</c> when <paramref name="revocationList"/> is given, and, with
    /// <paramref name="includePemKey"/>, an unencrypted owner-only <c>&lt;identity&gt;.key</c> for
    /// OpenSSL servers such as Mosquitto.
    /// </summary>
    /// <returns>The manifest written.</returns>
    public static BundleManifest Write(
        string directory,
        X509Certificate2 certificate,
        X509Certificate2 caCertificate,
        string password,
        string? coordinatorAddress = null,
        string? mqttHost = null,
        int? mqttPort = null,
        RevocationListFile? revocationList = null,
        bool includePemKey = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(caCertificate);
        if (string.IsNullOrEmpty(password))
        {
            throw new ArgumentException("A bundle password is required: the private key is never stored unencrypted in the PFX.", nameof(password));
        }

        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException($"Certificate '{certificate.Subject}' has no private key to put in a bundle.", nameof(certificate));
        }

        if (BundleManifest.AddressProblem(coordinatorAddress, mqttPort) is { } problem)
        {
            throw new ArgumentException($"Bundle for '{certificate.Subject}': {problem}.", nameof(coordinatorAddress));
        }

        var identity = FederationIdentity.Of(certificate);
        var role = FederationIdentity.RoleOf(certificate)
            ?? throw new ArgumentException($"Certificate '{certificate.Subject}' carries no federation role.", nameof(certificate));
        var federation = OrganizationOf(caCertificate);

        Directory.CreateDirectory(directory);
        PemFiles.WriteCertificate(caCertificate, Path.Combine(directory, BundleFiles.Ca));
        AtomicFileWrite(Path.Combine(directory, BundleFiles.Pfx(identity)), certificate.ExportPkcs12(PfxEncryption, password));
        revocationList?.WritePem(Path.Combine(directory, BundleFiles.Crl));
        // The public certificate is always there, so others can verify this party or seal envelopes to it.
        PemFiles.WriteCertificate(certificate, Path.Combine(directory, BundleFiles.Certificate(identity)));
        if (includePemKey) PemFiles.WritePrivateKey(certificate, Path.Combine(directory, BundleFiles.Key(identity)));

        var manifest = new BundleManifest
        {
            FederationName = federation,
            Identity = identity,
            Role = role,
            CoordinatorAddress = coordinatorAddress,
            MqttHost = mqttHost,
            MqttPort = mqttPort,
            PfxFile = BundleFiles.Pfx(identity),
            CertificateFile = BundleFiles.Certificate(identity),
            KeyFile = includePemKey ? BundleFiles.Key(identity) : null,
            CrlFile = revocationList is null ? null : BundleFiles.Crl,
        };
        manifest.Write(directory);
        return manifest;
    }

    // The CA's subject O is the federation name (see FederationAuthority.Create).
    private static string OrganizationOf(X509Certificate2 ca)
    {
        foreach (var rdn in ca.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value == "2.5.4.10" && rdn.GetSingleElementValue() is { } organization)
            {
                return organization;
            }
        }

        return ca.Subject;
    }

    private static void AtomicFileWrite(string path, byte[] bytes) => AtomicFile.WriteAllBytes(path, bytes, ownerOnly: true);
}
