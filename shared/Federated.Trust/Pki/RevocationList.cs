using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federated.Trust.Pki;

/// <summary>
/// A federation CRL whose signature has been checked against the federation CA: which serials are
/// revoked, and when it should be replaced.
/// </summary>
/// <remarks>
/// .NET's chain builder on Linux fetches CRLs only from distribution-point URLs into its own
/// cache, so the federation checks its own CRL: parsed here per RFC 5280 §5.1 and verified with the
/// CA's public key before any entry is believed.
/// </remarks>
public sealed class RevocationList
{
    private readonly Dictionary<string, RevokedEntry> _entries;

    private RevocationList(Dictionary<string, RevokedEntry> entries, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, BigInteger? number)
    {
        _entries = entries;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        Number = number;
    }

    /// <summary>When the CA signed this list.</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>When the CA promised a newer list (RFC 5280 nextUpdate); null if absent.</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>The CRL number extension (RFC 5280 §5.2.3); null if absent.</summary>
    public BigInteger? Number { get; }

    /// <summary>Revoked serials (normalised hexadecimal) and their entries.</summary>
    public IReadOnlyDictionary<string, RevokedEntry> Entries => _entries;

    /// <summary>An empty list (no CRL configured).</summary>
    internal static RevocationList Empty { get; } = new([], DateTimeOffset.MinValue, null, null);

    /// <summary>True when <paramref name="serial"/> (hexadecimal) is revoked.</summary>
    public bool IsRevoked(string serial, out RevokedEntry? entry)
    {
        var key = SerialNumbers.Normalize(serial);
        entry = null;
        return key is not null && _entries.TryGetValue(key, out entry);
    }

    /// <summary>Parses a DER or PEM CRL and verifies it was signed by <paramref name="issuer"/>.</summary>
    /// <param name="crl">DER, or PEM with an "X509 CRL" block.</param>
    /// <param name="issuer">The federation CA.</param>
    /// <param name="source">What to call the CRL in errors (a file path).</param>
    /// <exception cref="FederationTrustException">Not a CRL, another issuer's, or a bad signature.</exception>
    public static RevocationList Parse(ReadOnlySpan<byte> crl, X509Certificate2 issuer, string source = "revocation list")
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var der = Unpem(crl, source);
        try
        {
            return Decode(der, issuer, source);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
        {
            throw new FederationTrustException($"{source} is not a valid X.509 CRL: {e.Message}", e);
        }
    }

    private static byte[] Unpem(ReadOnlySpan<byte> crl, string source)
    {
        if (crl.Length > 0 && crl[0] == 0x30)
        {
            return crl.ToArray();
        }

        var text = System.Text.Encoding.ASCII.GetString(crl);
        foreach (var (label, data) in PemBlocks(text))
        {
            if (label == "X509 CRL")
            {
                return data;
            }
        }

        throw new FederationTrustException($"{source} is neither DER nor PEM with an 'X509 CRL' block.");
    }

    internal static IEnumerable<(string Label, byte[] Data)> PemBlocks(string text)
    {
        var rest = text.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var label = rest.Span[fields.Label].ToString();
            var data = Convert.FromBase64String(rest.Span[fields.Base64Data].ToString());
            rest = rest[fields.Location.End..];
            yield return (label, data);
        }
    }

    private static RevocationList Decode(byte[] der, X509Certificate2 issuer, string source)
    {
        // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var list = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbs = list.ReadEncodedValue();
        var algorithm = list.ReadSequence();
        var algorithmOid = algorithm.ReadObjectIdentifier();
        var signature = list.ReadBitString(out _);
        list.ThrowIfNotEmpty();

        if (!VerifySignature(issuer, algorithmOid, tbs.Span, signature))
        {
            throw new FederationTrustException($"{source} is not signed by the federation CA '{issuer.Subject}' (signature check failed).");
        }

        var body = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        if (body.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            body.ReadInteger(); // version v2
        }

        body.ReadSequence(); // signature algorithm, repeated inside the signed part
        var issuerName = body.ReadEncodedValue();
        if (!issuerName.Span.SequenceEqual(issuer.SubjectName.RawData))
        {
            throw new FederationTrustException(
                $"{source} was issued by '{new X500DistinguishedName(issuerName.Span).Name}', not by the federation CA '{issuer.Subject}'.");
        }

        var thisUpdate = ReadTime(body);
        DateTimeOffset? nextUpdate = null;
        if (body.HasData && IsTime(body.PeekTag()))
        {
            nextUpdate = ReadTime(body);
        }

        var entries = new Dictionary<string, RevokedEntry>(StringComparer.Ordinal);
        if (body.HasData && body.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var revoked = body.ReadSequence();
            while (revoked.HasData)
            {
                var entry = revoked.ReadSequence();
                var serial = SerialNumbers.FromBytes(entry.ReadIntegerBytes().Span);
                var date = ReadTime(entry);
                X509RevocationReason? reason = entry.HasData ? ReadReason(entry.ReadSequence()) : null;
                entries[serial] = new RevokedEntry(serial, date, reason);
            }
        }

        BigInteger? number = null;
        if (body.HasData)
        {
            var extensions = body.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            if (FindExtension(extensions, "2.5.29.20") is { } value)
            {
                // cRLNumber ::= INTEGER (RFC 5280 §5.2.3)
                number = new AsnReader(value, AsnEncodingRules.DER).ReadInteger();
            }
        }

        return new RevocationList(entries, thisUpdate, nextUpdate, number);
    }

    // reasonCode ::= ENUMERATED (RFC 5280 §5.3.1)
    private static X509RevocationReason? ReadReason(AsnReader extensions) =>
        FindExtension(extensions, "2.5.29.21") is { } value
            ? (X509RevocationReason)new AsnReader(value, AsnEncodingRules.DER).ReadEnumeratedBytes().Span[^1]
            : null;

    /// <summary>The value of extension <paramref name="oid"/> in an Extensions sequence (RFC 5280 §4.1), or null.</summary>
    private static byte[]? FindExtension(AsnReader extensions, string oid)
    {
        byte[]? found = null;
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var id = extension.ReadObjectIdentifier();
            if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
            {
                extension.ReadBoolean(); // critical
            }

            var value = extension.ReadOctetString();
            if (id == oid)
            {
                found = value;
            }
        }

        return found;
    }

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    private static bool VerifySignature(X509Certificate2 issuer, string algorithmOid, ReadOnlySpan<byte> signed, byte[] signature)
    {
        var hash = algorithmOid switch
        {
            "1.2.840.10045.4.3.2" or "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
            "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            _ => throw new FederationTrustException($"Unsupported CRL signature algorithm {algorithmOid}."),
        };

        using var ec = issuer.GetECDsaPublicKey();
        if (ec is not null)
        {
            return algorithmOid.StartsWith("1.2.840.10045", StringComparison.Ordinal)
                && ec.VerifyData(signed, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }

        using var rsa = issuer.GetRSAPublicKey();
        return rsa is not null
            && algorithmOid.StartsWith("1.2.840.113549", StringComparison.Ordinal)
            && rsa.VerifyData(signed, signature, hash, RSASignaturePadding.Pkcs1);
    }
}

/// <summary>One revoked certificate in a CRL.</summary>
/// <param name="Serial">Normalised hexadecimal serial.</param>
/// <param name="RevokedAt">Revocation date.</param>
/// <param name="Reason">Reason code, if the CRL gives one.</param>
public sealed record RevokedEntry(string Serial, DateTimeOffset RevokedAt, X509RevocationReason? Reason);
