using Federated.Client.Connection;
using Federated.Edge.Pull;
using Federated.Protocol;
using Federated.Tests.Trust.Tls;
using Federated.Trust.Bundles;
using Federated.Trust.Tls;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Federated.Tests.Edge.Pull;

/// <summary>The seeded coordinator under mutual TLS with the federation's bundle: it signs the global models it serves.</summary>
public sealed class SeededTlsCoordinator : SeededCoordinator
{
    internal TlsFederation Federation { get; } = new("pull-tests");

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        foreach (var (key, value) in Federation.CoordinatorSettings) settings[key] = value;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Federation.Dispose();
    }
}

/// <summary>
/// Pulling for deployment from a coordinator under mutual TLS: the puller presents a federation
/// certificate, pins the CA, and accepts a model only with the coordinator's valid signature over it.
/// </summary>
public sealed class SignedGlobalModelPullTests(SeededTlsCoordinator seeded) : IClassFixture<SeededTlsCoordinator>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private Uri TlsAddress => new($"https://localhost:{seeded.Address.Port}");

    private FederationCredentials Site(string identity) => seeded.Federation.Site(identity).Credentials;

    [Fact]
    public async Task A_site_pulls_over_mutual_tls_and_the_coordinator_signature_verifies()
    {
        using var puller = new GlobalModelPuller(TlsAddress, Site("deployer"));
        using var timeout = new CancellationTokenSource(Timeout);

        var model = await puller.PullAsync(0, timeout.Token);

        Assert.Equal(SeededCoordinator.CompletedRounds, model.Round);
        Assert.Equal(seeded.Files[^1], model.File);
        Assert.Equal("coordinator", model.SignedBy);
    }

    [Fact]
    public async Task A_signature_moved_from_another_round_is_refused()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var credentials = Site("deployer-moved");
        var roundOneSignature = await SignatureOfAsync(credentials, 1, timeout.Token);

        var error = await PullTamperedAsync(credentials, 2, header => header.Signature = roundOneSignature, timeout.Token);

        Assert.Contains("signature does not verify", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stripped_signature_is_refused_when_a_federation_CA_is_given()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var error = await PullTamperedAsync(Site("deployer-stripped"), 0, header => header.Signature = ByteString.Empty, timeout.Token);

        Assert.Contains("not signed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_site_of_another_federation_does_not_get_the_model()
    {
        // Each side pins its own federation's CA: the TLS handshake fails before anything is sent.
        using var stranger = new TlsFederation("another-federation");
        using var puller = new GlobalModelPuller(TlsAddress, stranger.Site("outsider").Credentials);
        using var timeout = new CancellationTokenSource(Timeout);

        var error = await Assert.ThrowsAsync<GlobalModelPullException>(() => puller.PullAsync(0, timeout.Token));

        Assert.True(error.Status is StatusCode.Unavailable or StatusCode.Internal, $"expected a failed connection, got {error.Status}: {error.Message}");
    }

    [Fact]
    public void An_https_address_needs_a_bundle_and_a_bundle_needs_https()
    {
        Assert.Contains("give a bundle", Assert.Throws<ArgumentException>(() => new GlobalModelPuller(TlsAddress)).Message, StringComparison.Ordinal);
        Assert.Contains("use https://", Assert.Throws<ArgumentException>(() => new GlobalModelPuller(new Uri("http://127.0.0.1:5050"), Site("deployer-plain"))).Message, StringComparison.Ordinal);
    }

    private async Task<ByteString> SignatureOfAsync(FederationCredentials credentials, long round, CancellationToken cancellationToken)
    {
        using var channel = GrpcCoordinatorConnection.CreateChannel(TlsAddress, new FederationTls(credentials));
        var client = new Protocol.Coordinator.CoordinatorClient(channel);
        using var call = client.FetchGlobalModel(new FetchGlobalModelRequest { Round = round }, cancellationToken: cancellationToken);
        Assert.True(await call.ResponseStream.MoveNext(cancellationToken));
        var signature = call.ResponseStream.Current.Header.Signature;
        Assert.False(signature.IsEmpty);
        return signature;
    }

    private async Task<GlobalModelPullException> PullTamperedAsync(FederationCredentials credentials, long round, Action<GlobalModelHeader> rewrite, CancellationToken cancellationToken)
    {
        using var channel = GrpcCoordinatorConnection.CreateChannel(TlsAddress, new FederationTls(credentials));
        var invoker = channel.Intercept(new TamperingInterceptor(stream => TamperingInterceptor.RewriteHeader(stream, rewrite)));
        using var puller = new GlobalModelPuller(invoker, credentials.Trust);
        return await Assert.ThrowsAsync<GlobalModelPullException>(() => puller.PullAsync(round, cancellationToken));
    }
}
