using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using Federated.Trust.Pki;

namespace Federated.Trust.Cms;

/// <summary>
/// CMS EnvelopedData (RFC 5652 §6): content encrypted with AES-256-CBC (RFC 3565) under a random
/// key, which is wrapped for each recipient with RSAES-OAEP-SHA-256 (RFC 8017 §7.1, RFC 4055).
/// For models kept at rest or relayed through brokers that must not read them.
/// </summary>
/// <remarks>
/// Recipients must have RSA keys: .NET's EnvelopedCms cannot encrypt to elliptic-curve (ECDH,
/// key agreement) recipients on Linux, so federation certificates meant to receive envelopes are
/// issued with <c>--rsa</c>.
/// </remarks>
public static class CmsEnvelope
{
    /// <summary>Encrypts <paramref name="content"/> to every certificate in <paramref name="recipients"/>.</summary>
    /// <returns>DER-encoded CMS EnvelopedData.</returns>
    /// <exception cref="ArgumentException">No recipients, or a recipient without an RSA key.</exception>
    public static byte[] Encrypt(ReadOnlySpan<byte> content, IEnumerable<X509Certificate2> recipients)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        var collection = new CmsRecipientCollection();
        foreach (var recipient in recipients)
        {
            ArgumentNullException.ThrowIfNull(recipient, nameof(recipients));
            using var rsa = recipient.GetRSAPublicKey();
            if (rsa is null)
            {
                throw new ArgumentException(
                    $"Recipient '{recipient.Subject}' has a {recipient.PublicKey.Oid.FriendlyName ?? recipient.PublicKey.Oid.Value} key: "
                    + ".NET on Linux cannot encrypt CMS envelopes to ECDH (elliptic-curve) recipients. "
                    + "Issue the recipient's certificate with --rsa (RSA 3072).",
                    nameof(recipients));
            }

            collection.Add(new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, recipient, RSAEncryptionPadding.OaepSHA256));
        }

        if (collection.Count == 0)
        {
            throw new ArgumentException("An envelope needs at least one recipient.", nameof(recipients));
        }

        var envelope = new EnvelopedCms(new ContentInfo(content.ToArray()), new AlgorithmIdentifier(new Oid(FederationOids.Aes256Cbc)));
        envelope.Encrypt(collection);
        return envelope.Encode();
    }

    /// <summary>Decrypts an envelope addressed to <paramref name="recipient"/> (which must hold its RSA private key).</summary>
    /// <exception cref="FederationTrustException">Not an envelope, not addressed to this recipient, or it does not decrypt.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> envelope, X509Certificate2 recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        using var key = recipient.GetRSAPrivateKey()
            ?? throw new ArgumentException($"Certificate '{recipient.Subject}' has no RSA private key, so it cannot open envelopes.", nameof(recipient));

        var cms = new EnvelopedCms();
        try
        {
            cms.Decode(envelope);
        }
        catch (CryptographicException e)
        {
            throw new FederationTrustException($"The envelope is not a CMS EnvelopedData structure ({e.Message}).", e);
        }

        var mine = cms.RecipientInfos.Cast<RecipientInfo>().FirstOrDefault(info => IsFor(info, recipient))
            ?? throw new FederationTrustException($"The envelope is not addressed to '{recipient.Subject}' (serial {recipient.SerialNumber}).");
        try
        {
            cms.Decrypt(mine, key);
        }
        catch (CryptographicException e)
        {
            throw new FederationTrustException($"The envelope for '{recipient.Subject}' does not decrypt: damaged or altered ({e.Message}).", e);
        }

        return cms.ContentInfo.Content;
    }

    private static bool IsFor(RecipientInfo info, X509Certificate2 recipient) =>
        info.RecipientIdentifier.Value is X509IssuerSerial issuerSerial
        && SerialNumbers.Normalize(issuerSerial.SerialNumber) == SerialNumbers.FromBytes(recipient.SerialNumberBytes.Span)
        && string.Equals(issuerSerial.IssuerName, recipient.IssuerName.Name, StringComparison.Ordinal);
}
