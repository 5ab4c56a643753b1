using Federated.Shared.Codecs;
using Federated.Shared.Serialization;

namespace Federated.Client.Caching;

/// <summary>
/// Model files kept on disk by content hash, so a client downloads each global model once
/// (evaluation after training, a restart mid-round). A file that fails its checks is deleted
/// and reported as missing, which makes the caller download it again.
/// </summary>
public sealed class ModelCache : IModelCache
{
    private readonly string _directory;
    private ModelSnapshot? _last;
    private (string Hash, CodecKind Codec, ModelSnapshot Model)? _lastDecoded;

    public ModelCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    public string PathOf(string contentHash) => Path.Combine(_directory, contentHash.ToLowerInvariant() + ".fedmodel");

    /// <summary>The cached model with this hash, or null (also when the cached file was damaged; it is then removed).</summary>
    public ModelSnapshot? TryLoad(string contentHash, out string? discardedBecause)
    {
        discardedBecause = null;
        if (_last is not null && string.Equals(_last.ContentHash, contentHash, StringComparison.OrdinalIgnoreCase)) return _last;
        string path = PathOf(contentHash);
        if (!File.Exists(path)) return null;
        try
        {
            return _last = ModelFile.ReadFile(path, contentHash);
        }
        catch (ModelFileException e)
        {
            discardedBecause = e.Message;
            File.Delete(path);
            return null;
        }
    }

    /// <summary>Only the latest decoded model is kept, in memory: a quantized download is cheap to fetch again.</summary>
    public ModelSnapshot? TryGetDecoded(string contentHash, CodecKind codec) =>
        _lastDecoded is { } last && last.Codec == codec && string.Equals(last.Hash, contentHash, StringComparison.OrdinalIgnoreCase) ? last.Model : null;

    public void KeepDecoded(string contentHash, CodecKind codec, ModelSnapshot model) => _lastDecoded = (contentHash, codec, model);

    /// <summary>Checks <paramref name="modelFile"/> against <paramref name="contentHash"/> and keeps it. Throws <see cref="ModelFileException"/> when it does not match.</summary>
    public ModelSnapshot Store(string contentHash, byte[] modelFile)
    {
        var snapshot = ModelFile.Read(modelFile, contentHash, $"downloaded model {contentHash}");
        string path = PathOf(contentHash);
        string temporary = path + ".part";
        File.WriteAllBytes(temporary, modelFile);
        File.Move(temporary, path, overwrite: true);
        return _last = snapshot;
    }
}
