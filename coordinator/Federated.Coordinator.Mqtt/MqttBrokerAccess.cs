using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Federated.Coordinator.Security;
using Federated.Protocol;
using Federated.Trust.Pki;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Federated.Coordinator.Mqtt;

/// <summary>
/// The embedded broker's gatekeeper under mutual TLS. The TLS handshake already refused clients
/// without a trusted certificate; here a client must use its certificate's identity as its MQTT
/// client id (so nobody takes over another's session or topics), every publish and subscription is
/// held to <see cref="MqttTopicOwnership"/>, and <see cref="SweepAsync"/> disconnects clients whose
/// certificates were revoked since they connected.
/// </summary>
internal sealed partial class MqttBrokerAccess(TransportSecurity security, MqttTopics topics, ILogger logger)
{
    private readonly MqttTopicOwnership _ownership = new(topics);

    // Keyed by client id, which equals the certificate's identity; kept after a disconnect because the
    // broker publishes the client's last will after it is gone.
    private readonly ConcurrentDictionary<string, Peer> _peers = new(StringComparer.Ordinal);

    private sealed record Peer(X509Certificate2 Certificate, FederationRole Role);

    public static readonly FederationRole[] Roles = [FederationRole.Site, FederationRole.Coordinator];

    public Task ValidateConnectionAsync(ValidatingConnectionEventArgs args)
    {
        if (!args.IsSecureConnection || args.ClientCertificate is not { } certificate)
        {
            Refuse(args, MqttConnectReasonCode.NotAuthorized, "no client certificate (the broker requires mutual TLS)");
            return Task.CompletedTask;
        }
        var check = security.Check(certificate, Roles);
        if (!check.Trusted)
        {
            Refuse(args, MqttConnectReasonCode.NotAuthorized, check.Refusal!);
            return Task.CompletedTask;
        }
        if (!string.Equals(args.ClientId, check.Identity, StringComparison.Ordinal))
        {
            Refuse(args, MqttConnectReasonCode.ClientIdentifierNotValid, $"certificate '{certificate.Subject}' is '{check.Identity}' and cannot connect as client id '{args.ClientId}'");
            return Task.CompletedTask;
        }
        _peers[check.Identity!] = new Peer(certificate, check.Role!.Value);
        return Task.CompletedTask;
    }

    public Task InterceptPublishAsync(InterceptingPublishEventArgs args)
    {
        string topic = args.ApplicationMessage.Topic;
        if (_peers.TryGetValue(args.ClientId ?? "", out var peer) && _ownership.MayPublish(args.ClientId!, peer.Role, topic)) return Task.CompletedTask;
        args.ProcessPublish = false;
        args.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        args.Response.ReasonString = $"'{args.ClientId}' may not publish to '{topic}'";
        LogPublishRefused(args.ClientId ?? "", topic);
        return Task.CompletedTask;
    }

    public Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        string filter = args.TopicFilter.Topic;
        if (_peers.TryGetValue(args.ClientId ?? "", out var peer) && _ownership.MaySubscribe(args.ClientId!, peer.Role, filter)) return Task.CompletedTask;
        args.ProcessSubscription = false;
        args.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        args.ReasonString = $"'{args.ClientId}' may not subscribe to '{filter}'";
        LogSubscriptionRefused(args.ClientId ?? "", filter);
        return Task.CompletedTask;
    }

    /// <summary>Disconnects every connected client whose certificate no longer passes (revoked or expired since it connected).</summary>
    public async Task<int> SweepAsync(MqttServer server)
    {
        int dropped = 0;
        foreach (var client in await server.GetClientsAsync().ConfigureAwait(false))
        {
            if (!_peers.TryGetValue(client.Id, out var peer)) continue;
            var check = security.Recheck(peer.Certificate, peer.Role);
            if (check.Trusted) continue;
            _peers.TryRemove(client.Id, out _);
            LogRevoked(client.Id, check.Refusal!);
            await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized, ReasonString = check.Refusal })
                .ConfigureAwait(false);
            dropped++;
        }
        return dropped;
    }

    private void Refuse(ValidatingConnectionEventArgs args, MqttConnectReasonCode code, string reason)
    {
        args.ReasonCode = code;
        args.ReasonString = reason;
        LogConnectionRefused(args.ClientId ?? "", reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT broker refused client {ClientId}: {Reason}")]
    private partial void LogConnectionRefused(string clientId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT broker refused a publish by {ClientId} to {Topic}")]
    private partial void LogPublishRefused(string clientId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT broker refused a subscription by {ClientId} to {Filter}")]
    private partial void LogSubscriptionRefused(string clientId, string filter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT broker disconnected {ClientId}: {Reason}")]
    private partial void LogRevoked(string clientId, string reason);
}
