using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Pki;

public sealed class FederationIdentityTests
{
    [Fact]
    public void CertificateWithoutCommonName_HasNoIdentity()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("O=clinics", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        var error = Assert.Throws<FormatException>(() => FederationIdentity.Of(certificate));

        Assert.Contains("no subject CN", error.Message, StringComparison.Ordinal);
        Assert.Null(FederationIdentity.RoleOf(certificate));
    }

    [Fact]
    public void CertificateWithTwoCommonNames_HasNoIdentity()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=site-a, CN=coordinator", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        var error = Assert.Throws<FormatException>(() => FederationIdentity.Of(certificate));

        Assert.Contains("2 subject CNs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identity_OfMaximumLength_IsAcceptedAndOneMoreIsNot()
    {
        Assert.Null(FederationIdentity.Problem(new string('a', FederationIdentity.MaxLength)));
        Assert.Contains("at most 128", FederationIdentity.Problem(new string('a', FederationIdentity.MaxLength + 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateClaimingBothRoles_HasNoRole()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=both", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(FederationOids.CoordinatorRole), new Oid(FederationOids.SiteRole)], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        Assert.Null(FederationIdentity.RoleOf(certificate));
    }
}
