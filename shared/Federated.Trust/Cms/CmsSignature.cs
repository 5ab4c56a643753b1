using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Trust.Cms;

/// <summary>
/// Detached CMS SignedData signatures (RFC 5652 §5) with the signer's certificate embedded, so a
/// verifier needs only the federation CA to check who signed.
/// </summary>
public static class CmsSignature
{
    /// <summary>Digests a verifier accepts: the SHA-2 family (RFC 5754). SHA-1 and MD5 are refused.</summary>
    private static readonly HashSet<string> AcceptedDigests = new(StringComparer.Ordinal)
    {
        "2.16.840.1.101.3.4.2.1", // SHA-256
        "2.16.840.1.101.3.4.2.2", // SHA-384
        "2.16.840.1.101.3.4.2.3", // SHA-512
    };

    private static readonly Oid Sha256 = new("2.16.840.1.101.3.4.2.1", "sha256");

    /// <summary>Signs <paramref name="content"/> with <paramref name="signer"/> (which must hold its private key).</summary>
    /// <returns>DER-encoded CMS SignedData, detached (the content is not inside).</returns>
    public static byte[] Sign(ReadOnlySpan<byte> content, X509Certificate2 signer, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        if (!signer.HasPrivateKey)
        {
            throw new ArgumentException($"Certificate '{signer.Subject}' has no private key, so it cannot sign.", nameof(signer));
        }

        var cms = new SignedCms(new ContentInfo(content.ToArray()), detached: true);
        var cmsSigner = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer)
        {
            DigestAlgorithm = Sha256,

            // Only the signer: the verifier holds the root, and the federation has no intermediates.
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        cmsSigner.SignedAttributes.Add(new Pkcs9SigningTime((time ?? TimeProvider.System).GetUtcNow().UtcDateTime));
        cms.ComputeSignature(cmsSigner, silent: true);
        return cms.Encode();
    }

    /// <summary>
    /// Verifies a detached signature over <paramref name="content"/>: well-formed, exactly one
    /// signer, SHA-2 digest, signature matches, and the embedded signer certificate passes
    /// <see cref="FederationTrust.Check"/> with <paramref name="expectedRole"/>. Never throws for
    /// bad input; the result says what is wrong.
    /// </summary>
    public static SignatureCheckResult Verify(
        ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature, FederationTrust trust, FederationRole? expectedRole)
    {
        ArgumentNullException.ThrowIfNull(trust);
        if (signature.IsEmpty)
        {
            return SignatureCheckResult.Invalid("The signature is empty (unsigned).");
        }

        var cms = new SignedCms(new ContentInfo(content.ToArray()), detached: true);
        try
        {
            cms.Decode(signature);
        }
        catch (CryptographicException e)
        {
            return SignatureCheckResult.Invalid($"The signature is not a CMS SignedData structure ({e.Message}).");
        }

        if (cms.SignerInfos.Count != 1)
        {
            return SignatureCheckResult.Invalid($"The signature has {cms.SignerInfos.Count} signers; exactly one is required.");
        }

        var signerInfo = cms.SignerInfos[0];
        var signer = signerInfo.Certificate;
        if (signer is null)
        {
            return SignatureCheckResult.Invalid("The signature embeds no signer certificate.");
        }

        if (signerInfo.DigestAlgorithm.Value is not { } digest || !AcceptedDigests.Contains(digest))
        {
            return SignatureCheckResult.Invalid(
                $"Signature by '{signer.Subject}' uses digest {signerInfo.DigestAlgorithm.Value}; only SHA-256/384/512 are accepted.", signer);
        }

        try
        {
            signerInfo.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            return SignatureCheckResult.Invalid($"Signature by '{signer.Subject}' does not match the content ({e.Message}).", signer);
        }

        var check = trust.Check(signer, expectedRole, cms.Certificates);
        if (!check.Trusted)
        {
            return new SignatureCheckResult(false, $"Signer not trusted: {check.Reason}", signer, check.Identity, check.Role, null);
        }

        return new SignatureCheckResult(true, $"Signed by {check.Role} '{check.Identity}'.", signer, check.Identity, check.Role, SigningTime(signerInfo));
    }

    private static DateTimeOffset? SigningTime(SignerInfo signerInfo)
    {
        foreach (var attribute in signerInfo.SignedAttributes)
        {
            foreach (var value in attribute.Values)
            {
                if (value is Pkcs9SigningTime time)
                {
                    return new DateTimeOffset(DateTime.SpecifyKind(time.SigningTime, DateTimeKind.Utc));
                }
            }
        }

        return null;
    }
}
