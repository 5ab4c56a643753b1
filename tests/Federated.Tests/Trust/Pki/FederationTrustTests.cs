using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Pki;

public sealed class FederationTrustTests
{
    [Fact]
    public void IssuedCertificates_AreTrustedWithTheirRoleAndIdentity()
    {
        using var federation = new TestFederation();
        var trust = federation.Trust();

        var coordinator = trust.Check(federation.Coordinator, FederationRole.Coordinator);
        var site = trust.Check(federation.Site, FederationRole.Site);

        Assert.True(coordinator.Trusted, coordinator.Reason);
        Assert.Equal("coordinator", coordinator.Identity);
        Assert.Equal(FederationRole.Coordinator, coordinator.Role);
        Assert.True(site.Trusted, site.Reason);
        Assert.Equal("site-a", site.Identity);
        Assert.Equal(FederationRole.Site, FederationIdentity.RoleOf(federation.Site));
    }

    [Fact]
    public void SiteCertificate_IsRefusedAsCoordinator()
    {
        using var federation = new TestFederation();

        var result = federation.Trust().Check(federation.Site, FederationRole.Coordinator);

        Assert.False(result.Trusted);
        Assert.Contains("site-a", result.Reason, StringComparison.Ordinal);
        Assert.Contains("Coordinator role is required", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateFromAnotherCa_IsRefusedNamingTheFederationCa()
    {
        using var ours = new TestFederation("clinics");
        using var theirs = new TestFederation("clinics");

        var result = ours.Trust().Check(theirs.Site, FederationRole.Site);

        Assert.False(result.Trusted);
        Assert.Contains("was not issued by the federation CA", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateFromAnotherCa_IsRefusedEvenWhenThatCaIsSentAlong()
    {
        using var ours = new TestFederation("clinics");
        using var theirs = new TestFederation("clinics");
        using var theirRoot = theirs.Authority.PublicCertificate();

        var result = ours.Trust().Check(theirs.Coordinator, FederationRole.Coordinator, [theirRoot]);

        Assert.False(result.Trusted);
        Assert.Contains("was not issued by the federation CA", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RevokedCertificate_IsRefusedWithSerialAndReason()
    {
        using var federation = new TestFederation();
        Assert.True(federation.Authority.Revoke(federation.Site, X509RevocationReason.KeyCompromise));

        var result = federation.Trust().Check(federation.Site, FederationRole.Site);

        Assert.False(result.Trusted);
        Assert.Contains("is revoked", result.Reason, StringComparison.Ordinal);
        Assert.Contains("KeyCompromise", result.Reason, StringComparison.Ordinal);
        Assert.True(federation.Trust().Check(federation.Coordinator, FederationRole.Coordinator).Trusted);
    }

    [Fact]
    public void ExpiredCertificate_IsRefusedAsExpired()
    {
        using var federation = new TestFederation();
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddDays(400));

        var result = federation.Trust(clock).Check(federation.Site, FederationRole.Site);

        Assert.False(result.Trusted);
        Assert.Contains("expired on", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateTrustedOnce_IsRefusedOnceItExpires()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var federation = new TestFederation(time: clock);
        var trust = federation.Trust(clock);
        Assert.True(trust.Check(federation.Site, FederationRole.Site).Trusted);

        clock.Now = new DateTimeOffset(federation.Site.NotAfter.ToUniversalTime()).AddSeconds(1);
        var result = trust.Check(federation.Site, FederationRole.Site);

        Assert.False(result.Trusted);
        Assert.Contains("expired on", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CaCertificateItself_IsNotAParty()
    {
        using var federation = new TestFederation();

        var result = federation.Trust().Check(federation.Authority.PublicCertificate(), null);

        Assert.False(result.Trusted);
        Assert.Contains("no federation role", result.Reason, StringComparison.Ordinal);
    }
}
