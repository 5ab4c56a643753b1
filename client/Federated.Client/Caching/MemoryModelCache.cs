using Federated.Shared.Codecs;
using Federated.Shared.Serialization;

namespace Federated.Client.Caching;

/// <summary>
/// The latest few models in memory, shareable by many clients in one process (simulations):
/// each global model is decoded once however many virtual clients train on it.
/// </summary>
public sealed class MemoryModelCache(int capacity = 2) : IModelCache
{
    private readonly Lock _gate = new();
    private readonly LinkedList<ModelSnapshot> _recent = new();
    private readonly LinkedList<(string Hash, CodecKind Codec, ModelSnapshot Model)> _decoded = new();

    public ModelSnapshot? TryLoad(string contentHash, out string? discardedBecause)
    {
        discardedBecause = null;
        lock (_gate)
        {
            foreach (var snapshot in _recent)
            {
                if (string.Equals(snapshot.ContentHash, contentHash, StringComparison.OrdinalIgnoreCase)) return snapshot;
            }
        }
        return null;
    }

    public ModelSnapshot? TryGetDecoded(string contentHash, CodecKind codec)
    {
        lock (_gate)
        {
            foreach (var entry in _decoded)
            {
                if (entry.Codec == codec && string.Equals(entry.Hash, contentHash, StringComparison.OrdinalIgnoreCase)) return entry.Model;
            }
        }
        return null;
    }

    public void KeepDecoded(string contentHash, CodecKind codec, ModelSnapshot model)
    {
        lock (_gate)
        {
            _decoded.AddFirst((contentHash, codec, model));
            while (_decoded.Count > Math.Max(1, capacity)) _decoded.RemoveLast();
        }
    }

    public ModelSnapshot Store(string contentHash, byte[] modelFile)
    {
        var snapshot = ModelFile.Read(modelFile, contentHash, $"downloaded model {contentHash}");
        lock (_gate)
        {
            _recent.AddFirst(snapshot);
            while (_recent.Count > Math.Max(1, capacity)) _recent.RemoveLast();
        }
        return snapshot;
    }
}
