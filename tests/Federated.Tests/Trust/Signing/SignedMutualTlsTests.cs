using System.Security.Cryptography;
using System.Text.Json;
using Federated.Client;
using Federated.Client.Connection;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Security;
using Federated.Tests.Integration;
using Federated.Tests.Trust.Tls;
using Federated.Trust.Audit;
using Federated.Trust.Tls;
using Microsoft.Extensions.DependencyInjection;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Tests.Trust.Signing;

/// <summary>
/// Signing on top of mutual TLS, end to end: the coordinator's bundle both serves TLS and signs
/// models; an update must be signed with the very certificate its connection was authenticated with.
/// </summary>
public sealed class SignedMutualTlsTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Update_signed_with_another_certificate_than_the_connection_is_rejected_and_the_join_audits_the_certificate()
    {
        using var federation = new TlsFederation();
        var settings = new Dictionary<string, string?>(federation.CoordinatorSettings)
        {
            ["Model"] = "input 4; linear 4 3",
            ["Rounds"] = "1",
            ["MinClients"] = "2",
            ["ClientsPerRound"] = "2",
            ["MinResults"] = "1",
            ["RoundTimeout"] = "00:00:30",
            ["FederatedEvaluation"] = "false",
        };
        string directory = Path.Combine(Path.GetTempPath(), "federated-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string auditPath = Path.Combine(directory, "coordinator-audit.jsonl");
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings,
            services => services.Configure<AuditOptions>(audit => audit.Path = auditPath), directory);
        Assert.Equal("https", coordinator.Address.Scheme);

        var honest = federation.Site("hospital-b");
        // Hospital a connects with one certificate but signs with a second one issued to the same identity.
        var connectionCertificate = federation.Site("hospital-a");
        var otherCertificate = federation.Site("hospital-a");
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var a = new GrpcCoordinatorConnection(coordinator.Address, connectionCertificate);
        await using var b = new GrpcCoordinatorConnection(coordinator.Address, honest);
        FederatedClientOptions Options(string name, FederationTls signer) => new()
        {
            Name = name,
            CacheDirectory = Path.Combine(coordinator.Directory, $"cache-{name}"),
            Credentials = signer.Credentials,
        };
        var summaries = await Task.WhenAll(
            new FederatedClient(a, new ConstantDeltaTrainer(0.25f, 10), Options("a", otherCertificate)).RunAsync(timeout.Token),
            new FederatedClient(b, new ConstantDeltaTrainer(0.5f, 30), Options("b", honest)).RunAsync(timeout.Token));

        Assert.Equal(0, summaries[0].TasksCompleted);
        Assert.Equal(1, summaries[1].TasksCompleted);
        await using var store = await coordinator.OpenStoreAsync();
        Assert.Equal(RoundStatus.Completed, (await store.GetRoundAsync(1))!.Status);
        var rejection = Assert.Single(await store.GetRejectionsAsync());
        Assert.Equal("hospital-a", rejection.ClientId);
        Assert.Contains($"not with the certificate {connectionCertificate.Credentials.Certificate.GetCertHashString(HashAlgorithmName.SHA256)} of the client's connection", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(TaskStatus.Rejected, Assert.Single(await store.GetTasksAsync(1), t => t.ClientId == "hospital-a").Status);

        Assert.True(AuditLogVerifier.Verify(auditPath).Valid);
        var joins = File.ReadLines(auditPath)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(entry => entry.GetProperty("event").GetString() == "join")
            .ToDictionary(entry => entry.GetProperty("data").GetProperty("client").GetString()!, entry => entry.GetProperty("data").GetProperty("certificate-sha256").GetString());
        Assert.Equal(honest.Credentials.Certificate.GetCertHashString(HashAlgorithmName.SHA256), joins["hospital-b"]);
        Assert.Equal(connectionCertificate.Credentials.Certificate.GetCertHashString(HashAlgorithmName.SHA256), joins["hospital-a"]);
    }
}
