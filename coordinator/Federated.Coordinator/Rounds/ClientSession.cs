using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Federated.Shared.Codecs;

namespace Federated.Coordinator.Rounds;

/// <summary>A connected client as the coordinator sees it in memory: identity, liveness, and its inbox of tasks.</summary>
public sealed class ClientSession
{
    private long _lastSeenTicks;

    internal ClientSession(string clientId, string name, DateTimeOffset joinedAt, long order)
    {
        ClientId = clientId;
        Name = name;
        JoinedAt = joinedAt;
        Order = order;
        _lastSeenTicks = joinedAt.UtcTicks;
    }

    public string ClientId { get; }

    public string Name { get; internal set; }

    /// <summary>Codecs the client declared it understands (FP32 is always understood).</summary>
    public IReadOnlyList<CodecKind> Codecs { get; internal set; } = [];

    public DateTimeOffset JoinedAt { get; }

    /// <summary>
    /// The certificate the client authenticated its connection with (mutual TLS), whose identity is
    /// <see cref="ClientId"/>; null on transports that do not carry one (plain-text development mode,
    /// in-process simulations, MQTT where the broker authenticates the device).
    /// </summary>
    public X509Certificate2? Certificate { get; internal set; }

    /// <summary>Join order; keeps selection reproducible for equal seeds.</summary>
    internal long Order { get; }

    public DateTimeOffset LastSeenAt => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    /// <summary>Tasks assigned to the client and not yet pulled.</summary>
    internal Channel<TaskAssignment> Inbox { get; } = Channel.CreateUnbounded<TaskAssignment>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });

    internal void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastSeenTicks, now.UtcTicks);
}
