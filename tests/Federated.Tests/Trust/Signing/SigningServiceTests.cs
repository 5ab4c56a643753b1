using Federated.Coordinator.Persistence;
using Federated.Coordinator.Rounds;
using Federated.Coordinator.Security;
using Federated.Coordinator.Transport;
using Federated.Shared.Codecs;
using Federated.Trust.Cms;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Federated.Trust.Statements;

namespace Federated.Tests.Trust.Signing;

public sealed class SigningServiceTests : IDisposable
{
    private readonly SigningFederation _federation = new();

    private SigningService Service(bool requireSigned = true) =>
        new(Microsoft.Extensions.Options.Options.Create(new SigningOptions { RequireSignedUpdates = requireSigned }), TimeProvider.System, _federation.Coordinator);

    private static TaskAssignment Task(long round = 2, CodecKind codec = CodecKind.Int8) =>
        new("r2-fit-0-abc", round, TaskKind.Fit, "ab12cd", 10, "input 4; linear 4 3", null, DateTimeOffset.UtcNow.AddMinutes(1), codec);

    private static ResultSubmission Update(string client, byte[] payload, byte[] signature, string task = "r2-fit-0-abc") =>
        new(client, task, 10, new Dictionary<string, double>(), payload, null, CodecKind.Fp16) { Signature = signature };

    private static byte[] SignUpdate(FederationCredentials site, string client, string task, long round, byte[] payload, CodecKind codec = CodecKind.Fp16) =>
        CmsSignature.Sign(UpdateStatement.For(client, task, round, codec.ToString(), payload).ToCanonicalBytes(), site.Certificate);

    [Fact]
    public async Task Model_signature_verifies_for_the_served_bytes_and_round_only()
    {
        byte[] served = [1, 2, 3, 4, 5];
        int fetched = 0;
        var service = Service();
        var task = Task();
        var signed = await service.SignAsync(task, _ => { fetched++; return System.Threading.Tasks.Task.FromResult<byte[]?>(served); }, CancellationToken.None);
        // A second task of the same model, codec and round reuses the signature.
        var again = await service.SignAsync(task with { TaskId = "r2-fit-1-def" }, _ => { fetched++; return System.Threading.Tasks.Task.FromResult<byte[]?>(served); }, CancellationToken.None);
        Assert.Equal(1, fetched);
        Assert.Equal(signed.ModelSignature, again.ModelSignature);

        var statement = ModelStatement.For("ab12cd", "Int8", served, 2);
        var good = CmsSignature.Verify(statement.ToCanonicalBytes(), signed.ModelSignature, _federation.Trust, FederationRole.Coordinator);
        Assert.True(good.Valid, good.Reason);
        Assert.Equal("coordinator", good.Identity);

        Assert.False(CmsSignature.Verify(ModelStatement.For("ab12cd", "Int8", [1, 2, 3, 4, 6], 2).ToCanonicalBytes(), signed.ModelSignature, _federation.Trust, FederationRole.Coordinator).Valid);
        Assert.False(CmsSignature.Verify((statement with { Round = 3 }).ToCanonicalBytes(), signed.ModelSignature, _federation.Trust, FederationRole.Coordinator).Valid);
        Assert.False(CmsSignature.Verify((statement with { Codec = "Fp32" }).ToCanonicalBytes(), signed.ModelSignature, _federation.Trust, FederationRole.Coordinator).Valid);
    }

    [Fact]
    public void Update_signed_by_its_client_passes()
    {
        using var site = _federation.Site("site-a");
        byte[] payload = [9, 8, 7];
        var result = Update("site-a", payload, SignUpdate(site, "site-a", "r2-fit-0-abc", 2, payload));
        Assert.Null(Service().CheckUpdate(result, 2, StatementDigest.Sha256Hex(payload), null));
        Assert.Null(Service().CheckUpdate(result, 2, StatementDigest.Sha256Hex(payload), site.Certificate));
    }

    [Fact]
    public void Tampered_update_fails()
    {
        using var site = _federation.Site("site-a");
        byte[] payload = [9, 8, 7];
        byte[] signature = SignUpdate(site, "site-a", "r2-fit-0-abc", 2, payload);
        byte[] tampered = [9, 8, 6];
        string? reason = Service().CheckUpdate(Update("site-a", tampered, signature), 2, StatementDigest.Sha256Hex(tampered), null);
        Assert.StartsWith("bad update signature", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_replayed_for_another_task_or_round_fails()
    {
        using var site = _federation.Site("site-a");
        byte[] payload = [9, 8, 7];
        byte[] signature = SignUpdate(site, "site-a", "r1-fit-0-old", 1, payload);
        string digest = StatementDigest.Sha256Hex(payload);
        Assert.StartsWith("bad update signature", Service().CheckUpdate(Update("site-a", payload, signature), 2, digest, null), StringComparison.Ordinal);
        Assert.StartsWith("bad update signature", Service().CheckUpdate(Update("site-a", payload, signature, task: "r1-fit-0-old"), 2, digest, null), StringComparison.Ordinal);
    }

    [Fact]
    public void Update_signed_by_another_site_fails()
    {
        using var other = _federation.Site("site-b");
        byte[] payload = [1];
        // Site b signs a statement naming site a: the signature is sound, the signer is not a.
        byte[] signature = SignUpdate(other, "site-a", "r2-fit-0-abc", 2, payload);
        string? reason = Service().CheckUpdate(Update("site-a", payload, signature), 2, StatementDigest.Sha256Hex(payload), null);
        Assert.Equal("the update is signed by 'site-b', not by client 'site-a' that holds task r2-fit-0-abc", reason);
    }

    [Fact]
    public void Update_signed_with_another_certificate_than_the_connection_fails()
    {
        using var site = _federation.Site("site-a");
        using var second = _federation.Site("site-a");
        byte[] payload = [1];
        byte[] signature = SignUpdate(second, "site-a", "r2-fit-0-abc", 2, payload);
        string? reason = Service().CheckUpdate(Update("site-a", payload, signature), 2, StatementDigest.Sha256Hex(payload), site.Certificate);
        Assert.Contains("not with the certificate", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_of_a_revoked_site_fails()
    {
        using var site = _federation.Site("site-a");
        byte[] payload = [1];
        byte[] signature = SignUpdate(site, "site-a", "r2-fit-0-abc", 2, payload);
        _federation.Revoke(site);
        string? reason = Service().CheckUpdate(Update("site-a", payload, signature), 2, StatementDigest.Sha256Hex(payload), null);
        Assert.StartsWith("bad update signature", reason, StringComparison.Ordinal);
        Assert.Contains("revoked", reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Update_signed_by_the_coordinator_certificate_fails_the_site_role()
    {
        byte[] payload = [1];
        byte[] signature = SignUpdate(_federation.Coordinator, "coordinator", "r2-fit-0-abc", 2, payload);
        string? reason = Service().CheckUpdate(Update("coordinator", payload, signature), 2, StatementDigest.Sha256Hex(payload), null);
        Assert.StartsWith("bad update signature", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsigned_update_fails_only_when_signatures_are_required()
    {
        byte[] payload = [1];
        var unsigned = Update("site-a", payload, []);
        Assert.StartsWith("unsigned update", Service().CheckUpdate(unsigned, 2, StatementDigest.Sha256Hex(payload), null), StringComparison.Ordinal);
        Assert.Null(Service(requireSigned: false).CheckUpdate(unsigned, 2, StatementDigest.Sha256Hex(payload), null));
    }

    [Fact]
    public async Task Without_credentials_nothing_is_signed_or_checked()
    {
        var service = new SigningService(Microsoft.Extensions.Options.Options.Create(new SigningOptions()), TimeProvider.System);
        Assert.False(service.SignsModels);
        Assert.False(service.ChecksUpdates);
        var task = Task();
        Assert.Same(task, await service.SignAsync(task, _ => throw new InvalidOperationException("not called"), CancellationToken.None));
        Assert.Null(service.CheckUpdate(Update("x", [1], []), 2, "00", null));
    }

    public void Dispose() => _federation.Dispose();
}
