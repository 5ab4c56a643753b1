using Federated.Protocol;

namespace Federated.Client.Mqtt;

/// <summary>
/// Collects a model's retained chunks, which the broker may deliver in any order, and hands them
/// out in order from the chunk that holds the resume offset. Chunks of the wrong size (a stale or
/// deleted publication) are ignored.
/// </summary>
internal sealed class ModelChunkSink : IDisposable
{
    private readonly ModelManifest _manifest;
    private readonly Dictionary<int, byte[]> _arrived = [];
    private readonly SemaphoreSlim _signal = new(0);
    private int _next;

    public ModelChunkSink(ModelManifest manifest, long offset)
    {
        _manifest = manifest;
        _next = (int)(offset / manifest.ChunkBytes);
        Skip = (int)(offset - (long)_next * manifest.ChunkBytes);
    }

    /// <summary>Bytes to drop from the first chunk handed out (the resume offset falls inside it).</summary>
    public int Skip { get; private set; }

    public bool Done => _next >= _manifest.ChunkCount;

    /// <summary>Called from the receive loop with a copy of the chunk.</summary>
    public void Offer(int index, byte[] data)
    {
        if (index < 0 || index >= _manifest.ChunkCount) return;
        long expected = index < _manifest.ChunkCount - 1 ? _manifest.ChunkBytes : _manifest.TotalBytes - (long)index * _manifest.ChunkBytes;
        if (data.Length != expected) return;
        lock (_arrived)
        {
            if (index < _next || !_arrived.TryAdd(index, data)) return;
        }
        _signal.Release();
    }

    /// <summary>The next chunk in order, or null when none arrived within <paramref name="stall"/>.</summary>
    public async Task<byte[]?> NextAsync(TimeSpan stall, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_arrived)
            {
                if (_arrived.Remove(_next, out byte[]? chunk))
                {
                    _next++;
                    return chunk;
                }
            }
            if (!await _signal.WaitAsync(stall, cancellationToken).ConfigureAwait(false)) return null;
        }
    }

    /// <summary>Marks the skip as consumed (only the first chunk handed out is cut).</summary>
    public void SkipDone() => Skip = 0;

    public void Dispose() => _signal.Dispose();
}
