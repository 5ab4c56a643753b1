using System.Buffers;
using System.Collections.Concurrent;

namespace Federated.Coordinator.Mqtt;

/// <summary>What a chunk did to its upload.</summary>
internal abstract record ChunkOutcome
{
    /// <summary>The upload is not complete; the sender continues from <paramref name="Received"/>.</summary>
    public sealed record Progress(long Received) : ChunkOutcome;

    /// <summary>
    /// The last byte arrived: <paramref name="Payload"/> is the whole payload, in a pooled buffer that
    /// the caller gives back with <see cref="ResumableUploads.Release"/> once the gateway has read it.
    /// </summary>
    public sealed record Complete(byte[] Buffer, int Length) : ChunkOutcome
    {
        public ReadOnlyMemory<byte> Payload => Buffer.AsMemory(0, Length);
    }

    /// <summary>The chunk cannot belong to any upload (it overflows the declared size, ...).</summary>
    public sealed record Malformed(string Reason) : ChunkOutcome;

    /// <summary>Too many uploads are open; the sender retries later.</summary>
    public sealed record Busy(string Reason) : ChunkOutcome;
}

/// <summary>
/// Uploads that arrive over MQTT in chunks, held until complete. Devices lose their connection
/// mid-upload all the time, so an upload survives its sender's disconnect: the next chunk (the
/// sender resends from the offset the coordinator last acknowledged) continues it. Chunks are taken
/// strictly in order; a repeat of a chunk already held is acknowledged again and otherwise ignored.
/// Memory is bounded by <see cref="MqttChannelOptions.MaxPendingUploads"/> payloads, and an upload
/// left idle for <see cref="MqttChannelOptions.UploadIdleTimeout"/> is dropped.
/// </summary>
internal sealed class ResumableUploads(int maxPending, TimeSpan idleTimeout, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, PendingUpload> _pending = new(StringComparer.Ordinal);

    public int Count => _pending.Count;

    /// <param name="key">Who uploads what: client, task and kind of payload.</param>
    /// <param name="total">The payload size the chunk's header declares.</param>
    public ChunkOutcome Accept(string key, long total, long offset, ReadOnlySpan<byte> data)
    {
        var now = time.GetUtcNow();
        if (offset < 0 || offset > total) return new ChunkOutcome.Malformed($"chunk offset {offset} is outside the declared {total} bytes");
        if (!_pending.TryGetValue(key, out var upload) || upload.Total != total)
        {
            if (offset > 0 && upload is null)
                return new ChunkOutcome.Progress(0); // the coordinator holds nothing of it (restart, expiry): start over
            if (upload is not null) Drop(key, upload);
            DropIdle(now);
            if (_pending.Count >= maxPending)
                return new ChunkOutcome.Busy($"{maxPending} uploads are already open; retry shortly");
            upload = _pending.GetOrAdd(key, static (_, opened) => new PendingUpload(opened.total, opened.now), (total, now));
        }

        lock (upload)
        {
            if (upload.Done) return new ChunkOutcome.Progress(upload.Received);
            upload.LastActivity = now;
            if (offset == upload.Received)
            {
                if (data.Length > upload.Total - upload.Received)
                    return Fail(key, upload, $"chunk at offset {offset} carries {data.Length} bytes, past the declared {total}");
                data.CopyTo(upload.Buffer.AsSpan((int)upload.Received));
                upload.Received += data.Length;
            }
            if (upload.Received < upload.Total) return new ChunkOutcome.Progress(upload.Received);
            upload.Done = true;
            _pending.TryRemove(new KeyValuePair<string, PendingUpload>(key, upload));
            return new ChunkOutcome.Complete(upload.Buffer, (int)upload.Total);
        }
    }

    /// <summary>Gives a completed upload's buffer back to the pool.</summary>
    public static void Release(ChunkOutcome.Complete complete)
    {
        ArgumentNullException.ThrowIfNull(complete);
        if (complete.Buffer.Length > 0) ArrayPool<byte>.Shared.Return(complete.Buffer);
    }

    private ChunkOutcome.Malformed Fail(string key, PendingUpload upload, string reason)
    {
        Drop(key, upload);
        return new ChunkOutcome.Malformed(reason);
    }

    private void Drop(string key, PendingUpload upload)
    {
        if (!_pending.TryRemove(new KeyValuePair<string, PendingUpload>(key, upload))) return;
        lock (upload)
        {
            if (upload.Done) return;
            upload.Done = true;
            if (upload.Buffer.Length > 0) ArrayPool<byte>.Shared.Return(upload.Buffer);
        }
    }

    private void DropIdle(DateTimeOffset now)
    {
        foreach (var (key, upload) in _pending)
        {
            if (now - upload.LastActivity > idleTimeout) Drop(key, upload);
        }
    }

    private sealed class PendingUpload(long total, DateTimeOffset openedAt)
    {
        public long Total { get; } = total;

        public byte[] Buffer { get; } = total == 0 ? [] : ArrayPool<byte>.Shared.Rent((int)total);

        public long Received { get; set; }

        public bool Done { get; set; }

        public DateTimeOffset LastActivity { get; set; } = openedAt;
    }
}
