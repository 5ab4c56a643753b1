using System.Collections.Concurrent;
using Federated.Protocol;
using Federated.Tests.Integration;
using Google.Protobuf;
using Grpc.Core;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Federated.Tests.Mqtt;

/// <summary>Whatever a device publishes, the coordinator answers with a clear error and records it; nothing crashes.</summary>
public class MalformedMqttRequestTests
{
    private static Dictionary<string, string?> Settings(TestBroker broker) => new(broker.CoordinatorSettings)
    {
        ["Model"] = "input 4; linear 4 3",
        ["Rounds"] = "1",
        ["MinClients"] = "5",
        ["ClientsPerRound"] = "5",
        ["FederatedEvaluation"] = "false",
        ["ChunkBytes"] = "1024",
    };

    /// <summary>A raw MQTT client that publishes bytes of its choosing as a device's request and collects the replies.</summary>
    private sealed class RawDevice : IAsyncDisposable
    {
        private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
        private readonly ConcurrentDictionary<string, TaskCompletionSource<MqttReply>> _replies = new();
        private readonly MqttTopics _topics = new("tests");
        private readonly string _device;

        private RawDevice(string device)
        {
            _device = device;
            _client.ApplicationMessageReceivedAsync += e =>
            {
                string key = Convert.ToHexString(e.ApplicationMessage.CorrelationData ?? []);
                if (_replies.TryGetValue(key, out var waiter)) waiter.TrySetResult(MqttReply.Parser.ParseFrom(e.ApplicationMessage.Payload));
                return Task.CompletedTask;
            };
        }

        public static async Task<RawDevice> ConnectAsync(TestBroker broker, string device)
        {
            var raw = new RawDevice(device);
            await raw._client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port)
                .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(device).Build());
            await raw._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(raw._topics.Replies(device), MqttQualityOfServiceLevel.AtLeastOnce).Build());
            return raw;
        }

        public async Task<MqttReply> SendAsync(byte[] payload)
        {
            byte[] correlation = Guid.NewGuid().ToByteArray();
            var waiter = _replies.GetOrAdd(Convert.ToHexString(correlation), _ => new TaskCompletionSource<MqttReply>(TaskCreationOptions.RunContinuationsAsynchronously));
            await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(_topics.Requests(_device)).WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithResponseTopic(_topics.Replies(_device)).WithCorrelationData(correlation).Build());
            return await waiter.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisconnectAsync();
            _client.Dispose();
        }
    }

    [Fact]
    public async Task Unreadable_oversized_and_forged_requests_are_refused_with_a_recorded_reason()
    {
        await using var broker = await TestBroker.StartAsync("embedded");
        await using var coordinator = await LoopbackCoordinator.StartAsync(Settings(broker));
        await using var device = await RawDevice.ConnectAsync(broker, "rogue");

        var garbage = await device.SendAsync([0xFF, 0xFF, 0xFF, 0x0F, 0x01]);
        Assert.Equal((int)StatusCode.InvalidArgument, garbage.Error.StatusCode);
        Assert.Contains("not a valid MqttRequest", garbage.Error.Detail, StringComparison.Ordinal);

        var oversized = await device.SendAsync(new byte[1024 + 64 * 1024 + 1]);
        Assert.Equal((int)StatusCode.ResourceExhausted, oversized.Error.StatusCode);
        Assert.Contains("over the", oversized.Error.Detail, StringComparison.Ordinal);

        var empty = await device.SendAsync(new MqttRequest().ToByteArray());
        Assert.Equal((int)StatusCode.InvalidArgument, empty.Error.StatusCode);

        var join = await device.SendAsync(new MqttRequest { Join = new JoinRequest { Name = "rogue" } }.ToByteArray());
        string clientId = join.Join.ClientId;
        // A chunk that runs past the size its header declares.
        var overflow = await device.SendAsync(new MqttRequest
        {
            UploadChunk = new UploadChunk
            {
                Result = new ResultHeader { ClientId = clientId, TaskId = "t-1", PayloadBytes = 4 },
                Offset = 0,
                Data = ByteString.CopyFrom(new byte[8]),
            },
        }.ToByteArray());
        Assert.False(overflow.Upload.Accepted);
        Assert.Contains("past the declared 4", overflow.Upload.Reason, StringComparison.Ordinal);

        // Another device naming this client's id is refused.
        await using var impostor = await RawDevice.ConnectAsync(broker, "impostor");
        var forged = await impostor.SendAsync(new MqttRequest { Heartbeat = new HeartbeatRequest { ClientId = clientId } }.ToByteArray());
        Assert.Equal((int)StatusCode.PermissionDenied, forged.Error.StatusCode);

        await using var store = await coordinator.OpenStoreAsync();
        var reasons = (await store.GetRejectionsAsync()).Select(r => r.Reason).ToList();
        Assert.Contains(reasons, r => r.Contains("not a valid MqttRequest", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("over the", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("past the declared 4", StringComparison.Ordinal));
    }
}
