namespace Federated.Protocol;

/// <summary>
/// The MQTT topic scheme of one federation (see mqtt.proto). Both sides build topics here so they
/// cannot drift apart. Device ids and federation names become topic levels, so they must not hold
/// MQTT's separators or wildcards.
/// </summary>
public sealed class MqttTopics
{
    public const string Online = "online";
    public const string Offline = "offline";

    public MqttTopics(string federation)
    {
        CheckLevel(federation, nameof(federation));
        Root = $"federated/{federation}";
    }

    /// <summary><c>federated/{federation}</c>.</summary>
    public string Root { get; }

    /// <summary>Every device's requests, for the coordinator's subscription.</summary>
    public string AllRequests => $"{Root}/c/+/req";

    /// <summary>Every device's presence, for the coordinator's subscription.</summary>
    public string AllPresence => $"{Root}/presence/+";

    public string Requests(string device) => $"{Root}/c/{Level(device)}/req";

    public string Replies(string device) => $"{Root}/c/{Level(device)}/res";

    public string Presence(string device) => $"{Root}/presence/{Level(device)}";

    /// <summary>Chunk <paramref name="index"/> of a model (retained).</summary>
    public string ModelChunk(string contentHash, Codec codec, int index) => $"{ModelPrefix(contentHash, codec)}/{index}";

    /// <summary>All chunks of a model, for a downloading device's subscription.</summary>
    public string ModelChunks(string contentHash, Codec codec) => $"{ModelPrefix(contentHash, codec)}/+";

    private string ModelPrefix(string contentHash, Codec codec) => $"{Root}/models/{Level(contentHash)}/{(int)codec}";

    /// <summary>The device level of a request or presence topic, or null when the topic is not one of this federation's.</summary>
    public string? DeviceOf(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!topic.StartsWith(Root, StringComparison.Ordinal) || topic.Length <= Root.Length + 1 || topic[Root.Length] != '/') return null;
        var rest = topic.AsSpan(Root.Length + 1);
        if (rest.StartsWith("c/") && rest.EndsWith("/req")) return Device(rest[2..^4]);
        if (rest.StartsWith("presence/")) return Device(rest["presence/".Length..]);
        return null;

        static string? Device(ReadOnlySpan<char> level) => level.IsEmpty || level.Contains('/') ? null : level.ToString();
    }

    /// <summary>Whether <paramref name="topic"/> is a chunk of a model (under <c>{root}/models/</c>).</summary>
    public bool IsModelChunk(string topic, out int index)
    {
        index = -1;
        if (!topic.StartsWith($"{Root}/models/", StringComparison.Ordinal)) return false;
        int slash = topic.LastIndexOf('/');
        return int.TryParse(topic.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }

    public static bool IsValidLevel(string? level) =>
        !string.IsNullOrEmpty(level) && level.Length <= 128 && level.AsSpan().IndexOfAny("/+#\0") < 0;

    private static string Level(string value)
    {
        CheckLevel(value, nameof(value));
        return value;
    }

    private static void CheckLevel(string value, string name)
    {
        if (!IsValidLevel(value))
            throw new ArgumentException($"'{value}' cannot be an MQTT topic level: it must be 1 to 128 characters without '/', '+', '#' or NUL.", name);
    }
}
