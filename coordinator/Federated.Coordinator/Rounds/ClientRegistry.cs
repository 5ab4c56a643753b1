using System.Collections.Concurrent;
using Federated.Shared.Codecs;

namespace Federated.Coordinator.Rounds;

/// <summary>The clients connected now. Persistent facts about them live in the store; this is their live state.</summary>
public sealed class ClientRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ClientSession> _sessions = new(StringComparer.Ordinal);
    private long _joinCounter;
    private TaskCompletionSource _changed = NewSignal();

    public int Count => _sessions.Count;

    /// <summary>Registers a client, or revives the session of one rejoining with its earlier id.</summary>
    public ClientSession Join(string? clientId, string name, IReadOnlyList<CodecKind>? codecs = null)
    {
        var now = time.GetUtcNow();
        ClientSession session;
        if (!string.IsNullOrEmpty(clientId) && _sessions.TryGetValue(clientId, out var existing))
        {
            existing.Name = name;
            existing.Touch(now);
            session = existing;
        }
        else
        {
            string id = string.IsNullOrEmpty(clientId) ? Guid.NewGuid().ToString("N") : clientId;
            session = _sessions.GetOrAdd(id, key => new ClientSession(key, name, now, Interlocked.Increment(ref _joinCounter)));
        }
        session.Codecs = codecs ?? [];
        Signal();
        return session;
    }

    public bool TryGet(string clientId, out ClientSession session)
    {
        if (_sessions.TryGetValue(clientId, out var found))
        {
            found.Touch(time.GetUtcNow());
            session = found;
            return true;
        }
        session = null!;
        return false;
    }

    /// <summary>
    /// Marks a client as gone (its transport saw it disconnect, e.g. an MQTT last will) so that no
    /// round selects it until it is heard from again. A task it holds stays open: a device that comes
    /// back before the deadline may still finish it.
    /// </summary>
    public void MarkAway(string clientId)
    {
        if (_sessions.TryGetValue(clientId, out var session)) session.Touch(DateTimeOffset.UnixEpoch);
    }

    /// <summary>Ids of clients heard from within <paramref name="timeout"/>, in join order.</summary>
    public IReadOnlyList<string> Available(TimeSpan timeout)
    {
        var cutoff = time.GetUtcNow() - timeout;
        var live = new List<ClientSession>(_sessions.Count);
        foreach (var session in _sessions.Values)
        {
            if (session.LastSeenAt >= cutoff) live.Add(session);
        }
        live.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        var ids = new string[live.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = live[i].ClientId;
        return ids;
    }

    /// <summary>Completes once at least <paramref name="count"/> clients are available.</summary>
    public async Task<IReadOnlyList<string>> WaitForAvailableAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            var available = Available(timeout);
            if (available.Count >= count) return available;
            // Wake on a join, or re-check every second because liveness also changes with time.
            await changed.WaitAsync(TimeSpan.FromSeconds(1), time, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
