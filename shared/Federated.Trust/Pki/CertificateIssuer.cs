using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Federated.Trust.Pki;

/// <summary>Builds the federation's certificates (RFC 5280 profile) with <see cref="CertificateRequest"/>.</summary>
internal static class CertificateIssuer
{
    /// <summary>RSA keys are 3072 bits: about 128-bit security, as P-256 (NIST SP 800-57 Part 1, table 2).</summary>
    public const int RsaKeySize = 3072;

    /// <summary>Backdating absorbs clock skew between the CA and the verifiers.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static X509Certificate2 CreateRoot(string federationName, TimeSpan validity, bool rsa, DateTimeOffset now)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName(federationName);
        name.AddCommonName(federationName + " federation CA");
        var subject = name.Build();

        using var key = NewKey(rsa);
        var request = Request(subject, key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now - ClockSkew, now + validity);
    }

    public static X509Certificate2 CreateLeaf(
        X509Certificate2 issuer,
        string federationName,
        string identity,
        FederationRole role,
        IReadOnlyCollection<string> dnsNames,
        IReadOnlyCollection<IPAddress> ipAddresses,
        TimeSpan validity,
        bool rsa,
        byte[] serial,
        DateTimeOffset now)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddOrganizationName(federationName);
        name.AddCommonName(identity);

        using var key = NewKey(rsa);
        var request = Request(name.Build(), key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));

        // RSA keys may also receive CMS envelopes (key transport); EC keys only sign.
        var usage = X509KeyUsageFlags.DigitalSignature | (rsa ? X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.None);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));

        var purposes = new OidCollection();
        if (role == FederationRole.Coordinator)
        {
            purposes.Add(FederationOids.Oid(FederationOids.ServerAuth));
        }

        purposes.Add(FederationOids.Oid(FederationOids.ClientAuth));
        purposes.Add(FederationOids.Oid(FederationOids.RoleOid(role)));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(purposes, false));

        if (dnsNames.Count + ipAddresses.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames)
            {
                san.AddDnsName(dns);
            }

            foreach (var ip in ipAddresses)
            {
                san.AddIpAddress(ip);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));

        // A certificate never outlives its CA: verifiers would reject the chain anyway.
        var notAfter = now + validity;
        if (notAfter > issuer.NotAfter)
        {
            notAfter = new DateTimeOffset(issuer.NotAfter.ToUniversalTime());
        }

        // The issuer's key type may differ from the subject's (an EC CA issuing an RSA certificate),
        // so the CA's signature is produced by a generator over the CA's own key.
        using var issuerKey = (AsymmetricAlgorithm?)issuer.GetECDsaPrivateKey() ?? issuer.GetRSAPrivateKey()
            ?? throw new InvalidOperationException($"The CA certificate '{issuer.Subject}' has no private key.");
        var generator = issuerKey switch
        {
            ECDsa ecIssuer => X509SignatureGenerator.CreateForECDsa(ecIssuer),
            RSA rsaIssuer => X509SignatureGenerator.CreateForRSA(rsaIssuer, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException("Unexpected CA key type."),
        };
        using var issued = request.Create(issuer.SubjectName, generator, now - ClockSkew, notAfter, serial);
        return key switch
        {
            RSA rsaKey => issued.CopyWithPrivateKey(rsaKey),
            ECDsa ecKey => issued.CopyWithPrivateKey(ecKey),
            _ => throw new InvalidOperationException("Unexpected key type."),
        };
    }

    private static AsymmetricAlgorithm NewKey(bool rsa) =>
        rsa ? RSA.Create(RsaKeySize) : ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static CertificateRequest Request(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        RSA rsaKey => new CertificateRequest(subject, rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsa ecKey => new CertificateRequest(subject, ecKey, HashAlgorithmName.SHA256),
        _ => throw new InvalidOperationException("Unexpected key type."),
    };
}
