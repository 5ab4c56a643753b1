using System.Collections.Concurrent;
using Federated.Protocol;

namespace Federated.Coordinator.Mqtt;

/// <summary>
/// The answer to each client's latest result upload, kept from the moment its last chunk arrives:
/// a device that resends the last chunk (its reply was slow, or lost with its connection) gets the
/// same answer, awaited if the first submission is still being checked, never "already answered".
/// A device uploads one result at a time and resends only its latest, so one answer per client is
/// enough: memory grows with the fleet, not with the updates, and nothing needs sweeping. (Keeping
/// every answer for the whole retention and sweeping them all on each upload made each upload cost
/// O(updates in the last half hour): at 400 updates/s, 720,000 entries.)
/// </summary>
internal sealed class AnsweredResults(TimeSpan kept)
{
    private readonly ConcurrentDictionary<string, Entry> _latest = new(StringComparer.Ordinal);

    private sealed record Entry(string Upload, Task<UploadReply> Reply, DateTimeOffset At);

    /// <summary>Clients with an answer held.</summary>
    public int Count => _latest.Count;

    /// <summary>The answer to <paramref name="upload"/> if it is <paramref name="clientId"/>'s latest and younger than the retention.</summary>
    public bool TryGet(string clientId, string upload, DateTimeOffset now, out Task<UploadReply> reply)
    {
        if (_latest.TryGetValue(clientId, out var entry) && string.Equals(entry.Upload, upload, StringComparison.Ordinal) && now - entry.At <= kept)
        {
            reply = entry.Reply;
            return true;
        }
        reply = null!;
        return false;
    }

    /// <summary>Holds <paramref name="reply"/> as the answer to <paramref name="clientId"/>'s upload <paramref name="upload"/>, replacing its earlier one.</summary>
    public void Remember(string clientId, string upload, Task<UploadReply> reply, DateTimeOffset at) =>
        _latest[clientId] = new Entry(upload, reply, at);

    /// <summary>Drops the answer to <paramref name="upload"/> (it failed: a resend submits again), unless a later upload replaced it.</summary>
    public void Forget(string clientId, string upload)
    {
        if (_latest.TryGetValue(clientId, out var entry) && string.Equals(entry.Upload, upload, StringComparison.Ordinal))
            _latest.TryRemove(new KeyValuePair<string, Entry>(clientId, entry));
    }
}
