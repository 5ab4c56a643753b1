using Federated.Tests.Trust.Pki;
using Federated.Trust.Cms;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Cms;

public sealed class CmsEnvelopeTests
{
    [Fact]
    public void Envelope_ToRsaRecipient_RoundTrips()
    {
        using var federation = new TestFederation(rsaCoordinator: true);
        var model = new byte[10_000];
        Random.Shared.NextBytes(model);

        var envelope = CmsEnvelope.Encrypt(model, [federation.Coordinator]);

        Assert.Equal(model, CmsEnvelope.Decrypt(envelope, federation.Coordinator));
        Assert.Equal(-1, envelope.AsSpan().IndexOf(model.AsSpan(0, 64)));
    }

    [Fact]
    public void Envelope_ForSomeoneElse_OrNotAnEnvelope_FailsWithReason()
    {
        using var federation = new TestFederation(rsaCoordinator: true);
        using var stranger = federation.Authority.IssueSite("site-rsa", rsa: true);
        var envelope = CmsEnvelope.Encrypt(new byte[100], [federation.Coordinator]);

        var notMine = Assert.Throws<FederationTrustException>(() => CmsEnvelope.Decrypt(envelope, stranger));
        var garbage = Assert.Throws<FederationTrustException>(() => CmsEnvelope.Decrypt(new byte[] { 1, 2, 3 }, federation.Coordinator));

        Assert.Contains("not addressed to", notMine.Message, StringComparison.Ordinal);
        Assert.Contains("not a CMS EnvelopedData", garbage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Envelope_ToEcRecipient_ExplainsLinuxLimitAndRsaOption()
    {
        using var federation = new TestFederation();

        var error = Assert.Throws<ArgumentException>(() => CmsEnvelope.Encrypt([1, 2, 3], [federation.Site]));

        Assert.Contains("cannot encrypt CMS envelopes to ECDH", error.Message, StringComparison.Ordinal);
        Assert.Contains("--rsa", error.Message, StringComparison.Ordinal);
    }
}
