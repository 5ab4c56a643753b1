using Federated.Client.Mqtt;
using Federated.Protocol;
using Federated.Tests.Integration;
using MQTTnet;
using MQTTnet.Protocol;

namespace Federated.Tests.Mqtt;

/// <summary>
/// A device that gives up on a poll (its call timed out, it lost signal) has still asked: the
/// coordinator may assign it a task afterwards and answer on its reply topic. That answer must not
/// be lost, or the task lapses at its deadline and the round waits for nothing; the device's next
/// poll returns it instead.
/// </summary>
public class LateTaskTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task Task_assigned_to_a_poll_the_device_gave_up_on_is_returned_by_its_next_poll(string kind)
    {
        await using var broker = await TestBroker.StartAsync(kind);
        var settings = new Dictionary<string, string?>(broker.CoordinatorSettings)
        {
            ["Model"] = "input 2; linear 2 1",
            ["MinClients"] = "2",
            ["ClientsPerRound"] = "2",
            ["MinResults"] = "2",
            ["FederatedEvaluation"] = "false",
        };
        await using var coordinator = await LoopbackCoordinator.StartAsync(settings);
        string device = $"late-{Guid.NewGuid():N}";
        await using var phone = MqttFederationTests.Connect(broker, device);
        string phoneId = (await phone.JoinAsync(new JoinRequest { Name = "phone" }, CancellationToken.None).WaitAsync(Timeout)).ClientId;

        // The phone polls with a long wait and gives up once its request is out (a listener on the broker
        // sees it): no round can start yet (one client of two), so the coordinator keeps the poll open.
        using var giveUp = new CancellationTokenSource();
        using var listener = new MqttClientFactory().CreateMqttClient();
        int polls = 0, heartbeats = 0;
        listener.ApplicationMessageReceivedAsync += e =>
        {
            var call = MqttRequest.Parser.ParseFrom(e.ApplicationMessage.Payload).CallCase;
            if (call == MqttRequest.CallOneofCase.PullTask && Interlocked.Increment(ref polls) == 1) giveUp.Cancel();
            if (call == MqttRequest.CallOneofCase.Heartbeat) Interlocked.Increment(ref heartbeats);
            return Task.CompletedTask;
        };
        await listener.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).Build());
        await listener.SubscribeAsync(new MqttTopics("tests").Requests(device), MqttQualityOfServiceLevel.AtLeastOnce);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            phone.PullTaskAsync(new PullTaskRequest { ClientId = phoneId, WaitMs = 60_000 }, giveUp.Token).WaitAsync(Timeout));

        // A second device joins: the round starts, and the coordinator answers the phone's open poll with its task.
        await using var other = MqttFederationTests.Connect(broker, $"other-{Guid.NewGuid():N}");
        string otherId = (await other.JoinAsync(new JoinRequest { Name = "other" }, CancellationToken.None).WaitAsync(Timeout)).ClientId;
        await MqttFederationTests.WaitUntilAsync(() => Task.FromResult(phone.LateTaskCount == 1));

        // The next poll returns that task without asking the coordinator again.
        var reply = await phone.PullTaskAsync(new PullTaskRequest { ClientId = phoneId, WaitMs = 1_000 }, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(PullTaskReply.OutcomeOneofCase.Task, reply.OutcomeCase);
        Assert.Equal(0, phone.LateTaskCount);
        // The broker delivers one device's requests in order: once the listener has the heartbeat sent after
        // that poll, it would have had a second poll request too.
        await phone.HeartbeatAsync(new HeartbeatRequest { ClientId = phoneId }, CancellationToken.None).WaitAsync(Timeout);
        await MqttFederationTests.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref heartbeats) == 1));
        Assert.Equal(1, Volatile.Read(ref polls));

        // It is the task the coordinator recorded for the phone in round 1; the other device has its own.
        var otherReply = await other.PullTaskAsync(new PullTaskRequest { ClientId = otherId, WaitMs = 1_000 }, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(1, reply.Task.Round);
        await using var store = await coordinator.OpenStoreAsync();
        var tasks = await store.GetTasksAsync(1);
        Assert.Equal(phoneId, Assert.Single(tasks, t => t.TaskId == reply.Task.TaskId).ClientId);
        Assert.Equal(otherId, Assert.Single(tasks, t => t.TaskId == otherReply.Task.TaskId).ClientId);
    }
}
