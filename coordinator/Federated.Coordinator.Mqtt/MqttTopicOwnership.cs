using Federated.Protocol;
using Federated.Trust.Pki;

namespace Federated.Coordinator.Mqtt;

/// <summary>
/// Who may use which topic of a federation on the embedded broker (the Mosquitto ACL of
/// <see cref="MosquittoTlsConfiguration"/> says the same): a site publishes only its own requests and
/// presence and subscribes only to its own replies and to model chunks; the coordinator may do
/// anything under the federation's root. Nobody touches topics outside it.
/// </summary>
internal sealed class MqttTopicOwnership(MqttTopics topics)
{
    private readonly string _modelPrefix = topics.Root + "/models/";

    public bool MayPublish(string identity, FederationRole role, string topic) => role switch
    {
        FederationRole.Coordinator => IsUnderRoot(topic),
        FederationRole.Site => string.Equals(topic, topics.Requests(identity), StringComparison.Ordinal)
            || string.Equals(topic, topics.Presence(identity), StringComparison.Ordinal),
        _ => false,
    };

    public bool MaySubscribe(string identity, FederationRole role, string filter) => role switch
    {
        FederationRole.Coordinator => IsUnderRoot(filter),
        // Model chunks are the same for every site, so any filter below models/ is harmless.
        FederationRole.Site => string.Equals(filter, topics.Replies(identity), StringComparison.Ordinal)
            || filter.StartsWith(_modelPrefix, StringComparison.Ordinal),
        _ => false,
    };

    private bool IsUnderRoot(string topic) =>
        topic.Length > topics.Root.Length && topic.StartsWith(topics.Root, StringComparison.Ordinal) && topic[topics.Root.Length] == '/';
}
