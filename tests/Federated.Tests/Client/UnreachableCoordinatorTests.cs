using System.Net;
using System.Net.Sockets;
using Federated.Client;
using Federated.Client.Connection;
using Federated.Tests.Integration;

namespace Federated.Tests.Client;

public class UnreachableCoordinatorTests
{
    [Fact]
    public async Task Client_gives_up_after_its_attempts_with_a_message_naming_the_address()
    {
        // A port that was free a moment ago: nothing listens there.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var address = new Uri($"http://127.0.0.1:{port}");
        await using var connection = new GrpcCoordinatorConnection(address);
        var options = new FederatedClientOptions
        {
            CacheDirectory = Path.Combine(Path.GetTempPath(), "federated-tests", "unreachable"),
            MaxAttempts = 3,
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(40),
        };
        var client = new FederatedClient(connection, new ConstantDeltaTrainer(0, 1), options);

        var error = await Assert.ThrowsAsync<CoordinatorUnreachableException>(() => client.RunAsync(CancellationToken.None));
        Assert.Contains(address.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Addresses_without_http_are_refused_up_front()
    {
        var error = Assert.Throws<ArgumentException>(() => new GrpcCoordinatorConnection(new Uri("ftp://example.org")));
        Assert.Contains("http://", error.Message, StringComparison.Ordinal);
    }
}
