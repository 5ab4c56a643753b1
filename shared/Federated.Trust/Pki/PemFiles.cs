using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federated.Trust.Pki;

/// <summary>Reads and writes the certificate and key files of a CA or bundle, with errors that name the file.</summary>
public static class PemFiles
{
    /// <summary>Loads one certificate from a PEM or DER file.</summary>
    /// <exception cref="FederationTrustException">Missing or not a certificate.</exception>
    public static X509Certificate2 LoadCertificate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FederationTrustException($"Certificate file '{path}' does not exist.");
        }

        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new FederationTrustException($"Certificate file '{path}' holds no readable X.509 certificate: {e.Message}", e);
        }
    }

    /// <summary>Loads a password-protected PKCS#12 file with its private key (exportable, so it can be re-saved).</summary>
    /// <exception cref="FederationTrustException">Missing, wrong password or damaged; the message names <paramref name="path"/>.</exception>
    public static X509Certificate2 LoadPfx(string path, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FederationTrustException($"Key file '{path}' does not exist.");
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException e)
        {
            throw new FederationTrustException($"Cannot open '{path}': wrong password or damaged file ({e.Message}).", e);
        }
    }

    /// <summary>Writes the private key of <paramref name="certificate"/> as unencrypted PKCS#8 PEM, readable by the owner only (for Mosquitto and other OpenSSL servers).</summary>
    public static void WritePrivateKey(X509Certificate2 certificate, string path)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException($"Certificate '{certificate.Subject}' has no ECDSA or RSA private key.", nameof(certificate));
        using (key)
        {
            AtomicFile.WriteAllText(path, key.ExportPkcs8PrivateKeyPem() + "\n", ownerOnly: true);
        }
    }

    /// <summary>Writes the certificate (public part) as PEM.</summary>
    public static void WriteCertificate(X509Certificate2 certificate, string path)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        AtomicFile.WriteAllText(path, certificate.ExportCertificatePem() + "\n");
    }
}
