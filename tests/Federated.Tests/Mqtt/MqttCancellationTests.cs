using Federated.Protocol;
using Federated.Tests.Integration;
using MQTTnet.Diagnostics.PacketInspection;

namespace Federated.Tests.Mqtt;

/// <summary>
/// A caller that gives up while its request is being written must not cut the write: MQTTnet sends
/// a PUBLISH as a header and then a payload, each with the token it is given, and a cancellation
/// between the two put a header on the wire whose payload was the next packet (the mqtt-fleet
/// benchmark saw the coordinator receive such a garbled request when a thousand devices stopped).
/// </summary>
public class MqttCancellationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task A_request_whose_caller_gives_up_while_it_is_sent_arrives_whole(string kind)
    {
        await using var broker = await TestBroker.StartAsync(kind);
        var settings = new Dictionary<string, string?>(broker.CoordinatorSettings) { ["Model"] = "input 2; linear 2 1", ["MinClients"] = "5" };
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings);
        await using var connection = MqttFederationTests.Connect(broker, $"cancel-{Guid.NewGuid():N}");
        var joined = await connection.JoinAsync(new JoinRequest { Name = "device" }, CancellationToken.None).WaitAsync(Timeout);

        // The caller gives up the moment MQTTnet starts sending the chunk's PUBLISH.
        using var giveUp = new CancellationTokenSource();
        int armed = 1;
        connection.Client.InspectPacketAsync += e =>
        {
            if (e.Direction == MqttPacketFlowDirection.Outbound && Interlocked.Exchange(ref armed, 0) == 1) giveUp.Cancel();
            return Task.CompletedTask;
        };
        var header = new ResultHeader { ClientId = joined.ClientId, TaskId = "never-issued", PayloadBytes = 3 };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.UploadResultAsync(header, new byte[] { 1, 2, 3 }, 1024, giveUp.Token));

        // It reached the coordinator whole and was answered: refused, for no such task was issued.
        await using var store = await coordinator.OpenStoreAsync();
        var deadline = DateTime.UtcNow + Timeout;
        while (!(await store.GetRejectionsAsync()).Any(r => r.Reason.Contains("'never-issued' was never issued", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "The cancelled request never reached the coordinator whole.");
            await Task.Delay(50);
        }
        // And the connection still works.
        var beat = await connection.HeartbeatAsync(new HeartbeatRequest { ClientId = joined.ClientId }, CancellationToken.None).WaitAsync(Timeout);
        Assert.True(beat.Known);
    }
}
