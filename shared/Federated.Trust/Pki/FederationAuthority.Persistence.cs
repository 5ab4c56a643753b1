using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Federated.Trust.Pki;

public sealed partial class FederationAuthority
{
    /// <summary>The encrypted PKCS#12 holding the CA certificate and key.</summary>
    public const string KeyFileName = "ca.pfx";

    /// <summary>The CA certificate, PEM, for verifiers.</summary>
    public const string CertificateFileName = "ca.crt";

    /// <summary>Serial and CRL counters and the issued/revoked ledger.</summary>
    public const string StateFileName = "authority.json";

    // PBES2 with AES-256-CBC and PBKDF2-SHA-256 (RFC 8018 §6.2); 100 000 iterations stays within
    // .NET's default PKCS#12 loader limits while making password guessing costly.
    private static readonly PbeParameters KeyEncryption = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);

    /// <summary>
    /// Writes the CA to <paramref name="directory"/>: <see cref="KeyFileName"/> (the key, encrypted
    /// with <paramref name="password"/>, owner-only), <see cref="CertificateFileName"/> and <see cref="StateFileName"/>.
    /// </summary>
    public void Save(string directory, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        RequirePassword(password);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Directory.CreateDirectory(directory);
            AtomicFile.WriteAllBytes(Path.Combine(directory, KeyFileName), Certificate.ExportPkcs12(KeyEncryption, password), ownerOnly: true);
            AtomicFile.WriteAllText(Path.Combine(directory, CertificateFileName), Certificate.ExportCertificatePem() + "\n");
            AtomicFile.WriteAllText(Path.Combine(directory, StateFileName), JsonSerializer.Serialize(_state, AuthorityState.Json));
        }
    }

    /// <summary>Loads a CA written by <see cref="Save"/>.</summary>
    /// <exception cref="FederationTrustException">A file is missing or damaged, or the password is wrong.</exception>
    public static FederationAuthority Load(string directory, string password, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        RequirePassword(password);
        var keyPath = Path.Combine(directory, KeyFileName);
        var statePath = Path.Combine(directory, StateFileName);
        foreach (var path in new[] { keyPath, statePath })
        {
            if (!File.Exists(path))
            {
                throw new FederationTrustException($"Federation CA file '{path}' does not exist (create the CA with 'federated-trust ca create').");
            }
        }

        var certificate = PemFiles.LoadPfx(keyPath, password);

        AuthorityState? state;
        try
        {
            state = JsonSerializer.Deserialize<AuthorityState>(File.ReadAllText(statePath), AuthorityState.Json);
        }
        catch (JsonException e)
        {
            certificate.Dispose();
            throw new FederationTrustException($"Federation CA state '{statePath}' is not valid JSON: {e.Message}", e);
        }

        if (state is null || string.IsNullOrEmpty(state.FederationName) || SerialNumbers.Normalize(state.NextSerial) is null
            || SerialNumbers.Normalize(state.NextCrlNumber) is null)
        {
            certificate.Dispose();
            throw new FederationTrustException($"Federation CA state '{statePath}' lacks federationName, nextSerial or nextCrlNumber.");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new FederationTrustException($"Federation CA key file '{keyPath}' holds no private key.");
        }

        return new FederationAuthority(certificate, state, time);
    }

    private static void RequirePassword(string password)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw new ArgumentException("A password is required: the CA key is never stored unencrypted.", nameof(password));
        }
    }
}
