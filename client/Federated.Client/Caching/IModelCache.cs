using Federated.Shared.Codecs;
using Federated.Shared.Serialization;

namespace Federated.Client.Caching;

/// <summary>Models a client already holds, by content hash.</summary>
public interface IModelCache
{
    /// <summary>The model with this hash, or null. A damaged entry is dropped and <paramref name="discardedBecause"/> says why.</summary>
    ModelSnapshot? TryLoad(string contentHash, out string? discardedBecause);

    /// <summary>Checks <paramref name="modelFile"/> against <paramref name="contentHash"/> and keeps it; throws <see cref="ModelFileException"/> when it does not match.</summary>
    ModelSnapshot Store(string contentHash, byte[] modelFile);

    /// <summary>The model with this hash as decoded from a <paramref name="codec"/> download, or null.</summary>
    ModelSnapshot? TryGetDecoded(string contentHash, CodecKind codec);

    /// <summary>Keeps a model decoded from a <paramref name="codec"/> download (its values differ from the hashed FP32 ones).</summary>
    void KeepDecoded(string contentHash, CodecKind codec, ModelSnapshot model);
}
