using Federated.Tests.Trust.Pki;
using Federated.Trust.Cms;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Cms;

public sealed class CmsSignatureTests
{
    private static readonly byte[] Content = "model sha256=ab12 round=3"u8.ToArray();

    [Fact]
    public void Signature_VerifiesWithSignerIdentity()
    {
        using var federation = new TestFederation();
        var signature = CmsSignature.Sign(Content, federation.Coordinator);

        var result = CmsSignature.Verify(Content, signature, federation.Trust(), FederationRole.Coordinator);

        Assert.True(result.Valid, result.Reason);
        Assert.Equal("coordinator", result.Identity);
        Assert.NotNull(result.SigningTime);
    }

    [Fact]
    public void RsaSigner_VerifiesAndAnotherFederationsTrustRefusesIt()
    {
        using var federation = new TestFederation(rsaCoordinator: true);
        using var other = new TestFederation();
        var signature = CmsSignature.Sign(Content, federation.Coordinator);

        var ours = CmsSignature.Verify(Content, signature, federation.Trust(), FederationRole.Coordinator);
        var theirs = CmsSignature.Verify(Content, signature, other.Trust(), FederationRole.Coordinator);

        Assert.True(ours.Valid, ours.Reason);
        Assert.False(theirs.Valid);
        Assert.Contains("was not issued by the federation CA", theirs.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RevokedSigner_IsRefused()
    {
        using var federation = new TestFederation();
        var signature = CmsSignature.Sign(Content, federation.Site);
        federation.Authority.Revoke(federation.Site);

        var result = CmsSignature.Verify(Content, signature, federation.Trust(), FederationRole.Site);

        Assert.False(result.Valid);
        Assert.Contains("is revoked", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TamperedContent_FailsWithReason()
    {
        using var federation = new TestFederation();
        var signature = CmsSignature.Sign(Content, federation.Site);
        var tampered = (byte[])Content.Clone();
        tampered[^1] ^= 1;

        var result = CmsSignature.Verify(tampered, signature, federation.Trust(), FederationRole.Site);

        Assert.False(result.Valid);
        Assert.Contains("does not match the content", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SiteSignature_IsRefusedWhereTheCoordinatorMustSign()
    {
        using var federation = new TestFederation();
        var signature = CmsSignature.Sign(Content, federation.Site);

        var result = CmsSignature.Verify(Content, signature, federation.Trust(), FederationRole.Coordinator);

        Assert.False(result.Valid);
        Assert.Contains("Coordinator role is required", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 })]
    [InlineData(new byte[] { 1, 2, 3, 4 })]
    public void GarbageSignature_FailsWithoutThrowing(byte[] signature)
    {
        using var federation = new TestFederation();

        var result = CmsSignature.Verify(Content, signature, federation.Trust(), null);

        Assert.False(result.Valid);
        Assert.False(string.IsNullOrEmpty(result.Reason));
    }
}
