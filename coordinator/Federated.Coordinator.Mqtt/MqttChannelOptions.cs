using Federated.Protocol;

namespace Federated.Coordinator.Mqtt;

public enum MqttBrokerMode
{
    /// <summary>An MQTTnet broker inside the coordinator process, bound to <see cref="MqttChannelOptions.Host"/>.</summary>
    Embedded,

    /// <summary>A broker run elsewhere (Mosquitto, EMQX) at <see cref="MqttChannelOptions.Host"/>:<see cref="MqttChannelOptions.Port"/>.</summary>
    External,
}

/// <summary>The <c>Mqtt</c> configuration section: whether and how devices reach the coordinator over MQTT.</summary>
public sealed class MqttChannelOptions
{
    public const string SectionName = "Mqtt";

    public bool Enabled { get; set; }

    public MqttBrokerMode Broker { get; set; } = MqttBrokerMode.Embedded;

    /// <summary>Embedded: the address the broker listens on (loopback unless configured). External: the broker's host name or address.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>The federation's topic level: topics live under <c>federated/{Federation}</c>.</summary>
    public string Federation { get; set; } = "default";

    /// <summary>Credentials for an external broker that requires them.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// How long the broker keeps the coordinator's session (subscriptions, queued requests) while it is
    /// disconnected, so requests sent during a short outage are not lost.
    /// </summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Uploads opened and not finished that the coordinator holds at once (each holds its payload).</summary>
    public int MaxPendingUploads { get; set; } = 1024;

    /// <summary>An unfinished upload not continued for this long is dropped; its sender starts over.</summary>
    public TimeSpan UploadIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Embedded broker: connection attempts the OS holds while the broker accepts others (capped by
    /// net.core.somaxconn). A fleet comes back at once after a restart or an outage; with MQTTnet's
    /// default of 100 most of a thousand devices were dropped and each waited for a SYN retransmission
    /// (1 s, then 3 s, ...) before it got in.
    /// </summary>
    public int ConnectionBacklog { get; set; } = 1024;

    /// <summary>How many models (by content hash and codec) stay published as retained chunks; older ones are deleted from the broker.</summary>
    public int RetainedModels { get; set; } = 4;

    /// <summary>The problem with these options, naming the key, or null when they are sound.</summary>
    public string? Validate()
    {
        if (!Enum.IsDefined(Broker)) return $"{SectionName}:Broker must be Embedded or External (got {Broker}).";
        if (string.IsNullOrWhiteSpace(Host)) return $"{SectionName}:Host must name an address or host.";
        if (Port is < 1 or > 65535) return $"{SectionName}:Port must be between 1 and 65535 (got {Port}).";
        if (!MqttTopics.IsValidLevel(Federation)) return $"{SectionName}:Federation '{Federation}' cannot be a topic level: 1 to 128 characters without '/', '+', '#'.";
        if (SessionExpiry < TimeSpan.Zero || SessionExpiry.TotalSeconds > uint.MaxValue) return $"{SectionName}:SessionExpiry must be between 0 and {uint.MaxValue} seconds.";
        if (MaxPendingUploads < 1) return $"{SectionName}:MaxPendingUploads must be at least 1 (got {MaxPendingUploads}).";
        if (UploadIdleTimeout <= TimeSpan.Zero) return $"{SectionName}:UploadIdleTimeout must be positive.";
        if (ConnectionBacklog < 1) return $"{SectionName}:ConnectionBacklog must be at least 1 (got {ConnectionBacklog}).";
        if (RetainedModels < 1) return $"{SectionName}:RetainedModels must be at least 1 (got {RetainedModels}).";
        return null;
    }
}
