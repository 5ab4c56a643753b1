using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Pki;

public sealed class RevocationListTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("federated-crl-").FullName;

    private string CrlPath => Path.Combine(_directory, "crl.pem");

    [Fact]
    public void TrustFollowingCrlFile_RefusesSiteOnceNewListIsWritten()
    {
        using var federation = new TestFederation();
        federation.Authority.BuildRevocationList().WritePem(CrlPath);
        var trust = FederationTrust.Create(federation.Authority.PublicCertificate(), CrlPath);
        Assert.True(trust.Check(federation.Site, FederationRole.Site).Trusted);

        federation.Authority.Revoke(federation.Site, X509RevocationReason.KeyCompromise);
        federation.Authority.BuildRevocationList().WritePem(CrlPath);

        var result = trust.Check(federation.Site, FederationRole.Site);
        Assert.False(result.Trusted);
        Assert.Contains("is revoked", result.Reason, StringComparison.Ordinal);
        Assert.Null(trust.LastReloadError);
    }

    [Fact]
    public void OlderOrBadlySignedListInTheFile_DoesNotUndoRevocations()
    {
        using var federation = new TestFederation();
        using var other = new TestFederation();
        var before = federation.Authority.BuildRevocationList();
        federation.Authority.Revoke(federation.Site);
        federation.Authority.BuildRevocationList().WritePem(CrlPath);
        var trust = FederationTrust.Create(federation.Authority.PublicCertificate(), CrlPath);

        before.WritePem(CrlPath);
        Assert.False(trust.Check(federation.Site, FederationRole.Site).Trusted);
        Assert.Contains("older than the loaded", trust.LastReloadError, StringComparison.Ordinal);

        other.Authority.BuildRevocationList().WritePem(CrlPath);
        Assert.False(trust.Check(federation.Site, FederationRole.Site).Trusted);
        Assert.Contains("not signed by the federation CA", trust.LastReloadError, StringComparison.Ordinal);
    }

    [Fact]
    public void CrlWithAlteredSignedPart_IsRejected()
    {
        using var federation = new TestFederation();
        federation.Authority.Revoke(federation.Site);
        var der = federation.Authority.BuildRevocationList().Der;

        // The last revoked serial byte sits inside tbsCertList: flip it and the signature breaks.
        var serialIndex = der.AsSpan().IndexOf(new byte[] { 0x02, 0x01, 0x02 });
        Assert.True(serialIndex > 0);
        der[serialIndex + 2] ^= 0x40;

        var error = Assert.Throws<FederationTrustException>(() => FederationTrust.Create(federation.Authority.PublicCertificate(), der));
        Assert.Contains("signature check failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListPastNextUpdate_IsStaleButStillEnforced()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var federation = new TestFederation(time: clock);
        federation.Authority.Revoke(federation.Site);
        var trust = FederationTrust.Create(federation.Authority.PublicCertificate(), federation.Authority.BuildRevocationList(TimeSpan.FromDays(1)).Der, clock);
        Assert.False(trust.RevocationListIsStale);

        clock.Now += TimeSpan.FromDays(2);

        Assert.True(trust.RevocationListIsStale);
        Assert.False(trust.Check(federation.Site, FederationRole.Site).Trusted);
        Assert.True(trust.Check(federation.Coordinator, FederationRole.Coordinator).Trusted);
    }

    [Fact]
    public void RsaCa_SignsCertificatesAndListsThatVerify()
    {
        using var authority = FederationAuthority.Create("clinics", rsa: true);
        using var site = authority.IssueSite("site-a");
        using var gone = authority.IssueSite("site-b");
        authority.Revoke(gone, X509RevocationReason.Superseded);

        var trust = FederationTrust.Create(authority.PublicCertificate(), authority.BuildRevocationList().Pem.Select(c => (byte)c).ToArray());

        Assert.True(trust.Check(site, FederationRole.Site).Trusted);
        var revoked = trust.Check(gone, FederationRole.Site);
        Assert.Contains("Superseded", revoked.Reason, StringComparison.Ordinal);
        Assert.Single(trust.RevocationList.Entries);
    }

    [Fact]
    public void ConcurrentChecks_DuringReloads_SeeOnlyWholeLists()
    {
        using var federation = new TestFederation();
        federation.Authority.BuildRevocationList().WritePem(CrlPath);
        var trust = FederationTrust.Create(federation.Authority.PublicCertificate(), CrlPath);
        federation.Authority.Revoke(federation.Site);
        var revokedList = federation.Authority.BuildRevocationList();

        var results = new System.Collections.Concurrent.ConcurrentBag<TrustCheckResult>();
        Parallel.For(0, 200, i =>
        {
            if (i == 50)
            {
                revokedList.WritePem(CrlPath);
            }

            results.Add(trust.Check(federation.Site, FederationRole.Site));
        });

        Assert.All(results, r => Assert.True(r.Trusted || r.Reason.Contains("is revoked", StringComparison.Ordinal), r.Reason));
        Assert.False(trust.Check(federation.Site, FederationRole.Site).Trusted);
        Assert.Null(trust.LastReloadError);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
