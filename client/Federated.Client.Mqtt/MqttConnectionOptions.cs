using Federated.Client.Connection;
using Federated.Protocol;
using Federated.Trust.Tls;

namespace Federated.Client.Mqtt;

/// <summary>How a device reaches a coordinator through an MQTT broker.</summary>
public sealed class MqttConnectionOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>The federation's topic level (the coordinator's <c>Mqtt:Federation</c>).</summary>
    public string Federation { get; set; } = "default";

    /// <summary>
    /// This device's MQTT client id and topic level. Keep it stable across restarts: the broker holds
    /// the device's session (replies sent while it was away) under it.
    /// </summary>
    public string DeviceId { get; set; } = "";

    /// <summary>
    /// Mutual TLS with the broker: this device's certificate and the pinned federation CA. The device
    /// id must then be the certificate's identity (the broker refuses any other). Null: plain text.
    /// </summary>
    public FederationTls? Tls { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>How long a request waits for its reply (a task poll waits this on top of its own wait).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the last chunk of a secure-aggregation step waits: the reply comes when the coordinator closes the phase.</summary>
    public TimeSpan SecureStepTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A model download that receives no chunk for this long is abandoned and resumed by a new request.</summary>
    public TimeSpan DownloadStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the broker keeps this device's session while it is offline.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A device id made up once and kept in <paramref name="folder"/> (file <c>device-id</c>): the
    /// broker holds the device's session under it, so it must survive restarts of the app.
    /// </summary>
    public static string LoadOrCreateDeviceId(string folder)
    {
        string path = Path.Combine(folder, "device-id");
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { } saved && MqttTopics.IsValidLevel(saved)) return saved;
        Directory.CreateDirectory(folder);
        string id = "device-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(path, id);
        return id;
    }

    /// <summary>Throws naming the option when these options cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("MqttConnectionOptions.Host must name the broker.");
        if (Port is < 1 or > 65535) throw new ArgumentException($"MqttConnectionOptions.Port must be between 1 and 65535 (got {Port}).");
        if (!MqttTopics.IsValidLevel(Federation)) throw new ArgumentException($"MqttConnectionOptions.Federation '{Federation}' cannot be a topic level.");
        if (!MqttTopics.IsValidLevel(DeviceId)) throw new ArgumentException($"MqttConnectionOptions.DeviceId '{DeviceId}' must be 1 to 128 characters without '/', '+', '#'.");
        if (Tls is not null && !string.Equals(DeviceId, Tls.Identity, StringComparison.Ordinal))
            throw new ArgumentException($"MqttConnectionOptions.DeviceId '{DeviceId}' must be the identity of MqttConnectionOptions.Tls's certificate, '{Tls.Identity}'.");
        if (RequestTimeout <= TimeSpan.Zero || SecureStepTimeout <= TimeSpan.Zero || DownloadStallTimeout <= TimeSpan.Zero)
            throw new ArgumentException("MqttConnectionOptions timeouts must be positive.");
        if (SessionExpiry < TimeSpan.Zero || SessionExpiry.TotalSeconds > uint.MaxValue) throw new ArgumentException("MqttConnectionOptions.SessionExpiry is out of range.");
    }
}
