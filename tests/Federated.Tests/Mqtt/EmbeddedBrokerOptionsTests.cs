using System.Net;
using Federated.Coordinator.Mqtt;

namespace Federated.Tests.Mqtt;

/// <summary>The embedded broker's server settings, which no functional test can see from outside.</summary>
public class EmbeddedBrokerOptionsTests
{
    [Fact]
    public void The_listen_queue_holds_a_fleet_that_reconnects_at_once()
    {
        // MQTTnet's own default is 100: the mqtt-fleet benchmark saw 939 of 1,000 simultaneous
        // connects overflow it, each then waiting a second or more for a SYN retransmission.
        var defaults = EmbeddedMqttBroker.ServerOptions(new MqttChannelOptions(), IPAddress.Loopback);
        Assert.Equal(1024, defaults.DefaultEndpointOptions.ConnectionBacklog);

        var configured = EmbeddedMqttBroker.ServerOptions(new MqttChannelOptions { ConnectionBacklog = 4096, Port = 1884 }, IPAddress.Loopback);
        Assert.Equal(4096, configured.DefaultEndpointOptions.ConnectionBacklog);
        Assert.Equal(1884, configured.DefaultEndpointOptions.Port);
        Assert.Equal(IPAddress.Loopback, configured.DefaultEndpointOptions.BoundInterNetworkAddress);
    }

    [Fact]
    public void A_backlog_below_one_is_refused_naming_the_key()
    {
        string? problem = new MqttChannelOptions { ConnectionBacklog = 0 }.Validate();
        Assert.NotNull(problem);
        Assert.Contains("Mqtt:ConnectionBacklog", problem, StringComparison.Ordinal);
    }
}
