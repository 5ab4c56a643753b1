using Federated.Tests.Trust.Pki;
using Federated.Trust.Cms;

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
    public void Envelope_ToEcRecipient_ExplainsLinuxLimitAndRsaOption()
    {
        using var federation = new TestFederation();

        var error = Assert.Throws<ArgumentException>(() => CmsEnvelope.Encrypt([1, 2, 3], [federation.Site]));

        Assert.Contains("cannot encrypt CMS envelopes to ECDH", error.Message, StringComparison.Ordinal);
        Assert.Contains("--rsa", error.Message, StringComparison.Ordinal);
    }
}
