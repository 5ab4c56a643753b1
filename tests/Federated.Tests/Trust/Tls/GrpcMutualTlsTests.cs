using Federated.Client;
using Federated.Client.Connection;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Rounds;
using Federated.Protocol;
using Federated.Tests.Integration;
using Federated.Trust.Pki;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Tests.Trust.Tls;

/// <summary>
/// The coordinator's gRPC service under mutual TLS, against a real Kestrel on loopback: who gets in
/// (a federation site certificate, unrevoked), who does not (no certificate, another CA's, revoked,
/// refused during the handshake), and that a site is its certificate's identity and nobody else.
/// </summary>
public class GrpcMutualTlsTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private static Dictionary<string, string?> Settings(TlsFederation federation, int clients = 2, int rounds = 1)
    {
        var settings = federation.CoordinatorSettings;
        settings["Model"] = "input 6; linear 6 3";
        settings["Rounds"] = rounds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["MinClients"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["ClientsPerRound"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["MinResults"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["FederatedEvaluation"] = "false";
        return settings;
    }

    [Fact]
    public async Task Federation_runs_over_mutual_tls_and_every_client_is_its_certificate()
    {
        using var federation = new TlsFederation();
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(federation, clients: 2, rounds: 2));
        Assert.Equal("https", coordinator.Address.Scheme);

        using var timeout = new CancellationTokenSource(TestTimeout);
        var tls = new[] { federation.Site("hospital-a"), federation.Site("hospital-b") };
        await using var a = new GrpcCoordinatorConnection(coordinator.Address, tls[0]);
        await using var b = new GrpcCoordinatorConnection(coordinator.Address, tls[1]);
        var clientA = new FederatedClient(a, new ConstantDeltaTrainer(0.25f, 10), new FederatedClientOptions { Name = "display name A", CacheDirectory = Path.Combine(coordinator.Directory, "cache-a"), Credentials = tls[0].Credentials });
        var clientB = new FederatedClient(b, new ConstantDeltaTrainer(0.5f, 30), new FederatedClientOptions { Name = "display name B", CacheDirectory = Path.Combine(coordinator.Directory, "cache-b"), Credentials = tls[1].Credentials });
        var summaries = await Task.WhenAll(clientA.RunAsync(timeout.Token), clientB.RunAsync(timeout.Token));

        Assert.All(summaries, s => Assert.Equal(2, s.TasksCompleted));
        Assert.Equal("hospital-a", clientA.ClientId);
        Assert.Equal("hospital-b", clientB.ClientId);
        var registry = coordinator.Services.GetRequiredService<ClientRegistry>();
        Assert.True(registry.TryGet("hospital-a", out var session));
        Assert.Equal(tls[0].Credentials.Certificate.Thumbprint, session.Certificate?.Thumbprint);
        await using var store = await coordinator.OpenStoreAsync();
        Assert.Equal(RoundStatus.Completed, (await store.GetRoundAsync(2))!.Status);
        Assert.Equal(["hospital-a", "hospital-b"], (await store.GetClientsAsync()).Select(c => c.ClientId).Order());
        Assert.Empty(await store.GetRejectionsAsync());
    }

    [Theory]
    [InlineData("no certificate")]
    [InlineData("another federation's certificate")]
    [InlineData("revoked certificate")]
    public async Task Client_is_refused_during_the_handshake(string presenting)
    {
        using var federation = new TlsFederation();
        using var other = FederationAuthority.Create("other-federation");
        var site = federation.Site("hospital-a");
        federation.Revoke(site.Credentials.Certificate);
        var certificate = presenting switch
        {
            "no certificate" => null,
            // Same identity as a real site, issued by a CA the coordinator does not trust.
            "another federation's certificate" => other.IssueSite("hospital-a"),
            _ => site.Credentials.Certificate,
        };
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(federation));
        using var channel = TlsTestChannels.Raw(federation, coordinator.Address, certificate);

        await AssertRefusedAtTlsAsync(coordinator, channel);
    }

    [Fact]
    public async Task Site_revoked_while_connected_is_refused_on_its_next_call()
    {
        using var federation = new TlsFederation();
        var tls = federation.Site("hospital-a");
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(federation));
        await using var connection = new GrpcCoordinatorConnection(coordinator.Address, tls);
        var joined = await connection.JoinAsync(new JoinRequest { Name = "a" }, CancellationToken.None);
        Assert.True((await connection.HeartbeatAsync(new HeartbeatRequest { ClientId = joined.ClientId }, CancellationToken.None)).Known);

        federation.Revoke(tls.Credentials.Certificate);

        // Same HTTP/2 connection (no new handshake): the certificate is checked again per call.
        var refused = await Assert.ThrowsAsync<RpcException>(() => connection.HeartbeatAsync(new HeartbeatRequest { ClientId = joined.ClientId }, CancellationToken.None));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("revoked", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Site_cannot_join_or_act_as_another_client()
    {
        using var federation = new TlsFederation();
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(federation));
        await using var a = new GrpcCoordinatorConnection(coordinator.Address, federation.Site("hospital-a"));
        await using var b = new GrpcCoordinatorConnection(coordinator.Address, federation.Site("hospital-b"));
        Assert.Equal("hospital-b", (await b.JoinAsync(new JoinRequest { Name = "b" }, CancellationToken.None)).ClientId);

        var claim = await Assert.ThrowsAsync<RpcException>(() => a.JoinAsync(new JoinRequest { ClientId = "hospital-b", Name = "a" }, CancellationToken.None));
        Assert.Equal(StatusCode.PermissionDenied, claim.StatusCode);
        // The name sent is only a display name: the id is the certificate's.
        Assert.Equal("hospital-a", (await a.JoinAsync(new JoinRequest { Name = "hospital-b" }, CancellationToken.None)).ClientId);

        var pull = await Assert.ThrowsAsync<RpcException>(() => a.PullTaskAsync(new PullTaskRequest { ClientId = "hospital-b" }, CancellationToken.None));
        Assert.Equal(StatusCode.PermissionDenied, pull.StatusCode);
        var beat = await Assert.ThrowsAsync<RpcException>(() => a.HeartbeatAsync(new HeartbeatRequest { ClientId = "hospital-b" }, CancellationToken.None));
        Assert.Equal(StatusCode.PermissionDenied, beat.StatusCode);
        var upload = await Assert.ThrowsAsync<RpcException>(() => a.UploadResultAsync(new ResultHeader { ClientId = "hospital-b", TaskId = "t", PayloadBytes = 0 }, ReadOnlyMemory<byte>.Empty, 1024, CancellationToken.None));
        Assert.Equal(StatusCode.PermissionDenied, upload.StatusCode);
        var download = await Assert.ThrowsAsync<RpcException>(() => a.DownloadModelAsync("hospital-b", "0", Codec.Fp32, 0, Stream.Null, CancellationToken.None));
        Assert.Equal(StatusCode.PermissionDenied, download.StatusCode);
    }

    [Fact]
    public async Task Global_models_need_a_certificate_but_no_join()
    {
        using var federation = new TlsFederation();
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(federation));
        var tls = federation.Site("edge-tools");
        using var channel = GrpcCoordinatorConnection.CreateChannel(coordinator.Address, tls);
        var client = new Federated.Protocol.Coordinator.CoordinatorClient(channel);

        // Past the certificate check without joining: the answer is about the model, not the caller.
        using var call = client.FetchGlobalModel(new FetchGlobalModelRequest { Round = 99 });
        var answer = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.NotFound, answer.StatusCode);

        using var anonymous = TlsTestChannels.Raw(federation, coordinator.Address, null);
        using var refusedCall = new Federated.Protocol.Coordinator.CoordinatorClient(anonymous).FetchGlobalModel(new FetchGlobalModelRequest { Round = 99 });
        var refused = await Assert.ThrowsAsync<RpcException>(() => refusedCall.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains(refused.StatusCode, ConnectionFailures);
    }

    /// <summary>
    /// How gRPC reports a connection the server's TLS layer dropped: Unavailable, or Internal when
    /// (TLS 1.3) the client had already finished its side of the handshake and sees the stream die.
    /// Never the service's own refusals (PermissionDenied, Unauthenticated).
    /// </summary>
    private static readonly StatusCode[] ConnectionFailures = [StatusCode.Unavailable, StatusCode.Internal];

    /// <summary>
    /// The call fails as a connection failure, not as the service's refusal (PermissionDenied or
    /// Unauthenticated): the TLS layer stopped it, and the gateway never heard of it.
    /// </summary>
    private static async Task AssertRefusedAtTlsAsync(LoopbackCoordinator coordinator, Grpc.Net.Client.GrpcChannel channel)
    {
        var client = new Federated.Protocol.Coordinator.CoordinatorClient(channel);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.JoinAsync(new JoinRequest { Name = "intruder" }));
        Assert.Contains(refused.StatusCode, ConnectionFailures);
        Assert.Equal(0, coordinator.Services.GetRequiredService<ClientRegistry>().Count);
        await using var store = await coordinator.OpenStoreAsync();
        Assert.Empty(await store.GetClientsAsync());
    }
}
