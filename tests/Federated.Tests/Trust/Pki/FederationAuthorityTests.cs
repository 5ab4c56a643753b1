using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Pki;

public sealed class FederationAuthorityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("federated-ca-").FullName;

    [Fact]
    public void SaveAndLoad_KeepsKeySerialCounterAndRevocations()
    {
        string firstSerial;
        using (var authority = FederationAuthority.Create("clinics"))
        {
            using var site = authority.IssueSite("site-a");
            firstSerial = SerialNumbers.FromBytes(site.SerialNumberBytes.Span);
            authority.Revoke(site, X509RevocationReason.CessationOfOperation);
            authority.Save(_directory, "correct horse");
        }

        using var loaded = FederationAuthority.Load(_directory, "correct horse");
        using var next = loaded.IssueSite("site-b");

        Assert.Equal("clinics", loaded.FederationName);
        Assert.NotEqual(firstSerial, SerialNumbers.FromBytes(next.SerialNumberBytes.Span));
        var revoked = Assert.Single(loaded.Issued, c => c.IsRevoked);
        Assert.Equal("site-a", revoked.Identity);
        var trust = FederationTrust.Create(loaded.PublicCertificate(), loaded.BuildRevocationList().Der);
        Assert.True(trust.Check(next, FederationRole.Site).Trusted);
        Assert.True(trust.RevocationList.IsRevoked(firstSerial, out _));
    }

    [Fact]
    public void Load_WithWrongPassword_SaysSoAndNamesTheFile()
    {
        using (var authority = FederationAuthority.Create("clinics"))
        {
            authority.Save(_directory, "right");
        }

        var error = Assert.Throws<FederationTrustException>(() => FederationAuthority.Load(_directory, "wrong"));

        Assert.Contains("wrong password", error.Message, StringComparison.Ordinal);
        Assert.Contains(FederationAuthority.KeyFileName, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("site/a")]
    [InlineData("site+")]
    [InlineData("#")]
    [InlineData("")]
    [InlineData("a\0b")]
    public void IssueSite_WithIdentityUnusableAsTopicLevel_Throws(string identity)
    {
        using var authority = FederationAuthority.Create("clinics");

        Assert.Throws<ArgumentException>(() => authority.IssueSite(identity));
    }

    [Fact]
    public void IssueCoordinator_WithoutNames_Throws()
    {
        using var authority = FederationAuthority.Create("clinics");

        var error = Assert.Throws<ArgumentException>(() => authority.IssueCoordinator("coordinator"));

        Assert.Contains("DNS name or IP address", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
