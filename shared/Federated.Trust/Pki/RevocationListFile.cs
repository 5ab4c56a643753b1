namespace Federated.Trust.Pki;

/// <summary>A signed X.509 CRL as written to disk: DER, or PEM ("X509 CRL", RFC 7468 §5).</summary>
/// <param name="Der">The DER encoding.</param>
public sealed record RevocationListFile(byte[] Der)
{
    /// <summary>The PEM encoding (what Mosquitto's <c>crlfile</c> and OpenSSL read).</summary>
    public string Pem => new(System.Security.Cryptography.PemEncoding.Write("X509 CRL", Der));

    /// <summary>Writes the PEM encoding to <paramref name="path"/> atomically (readers never see half a file).</summary>
    public void WritePem(string path) => AtomicFile.WriteAllText(path, Pem);

    /// <summary>Writes the DER encoding to <paramref name="path"/> atomically.</summary>
    public void WriteDer(string path) => AtomicFile.WriteAllBytes(path, Der);
}
