using System.Collections.Concurrent;
using Federated.Shared.Codecs;
using Federated.Shared.Models;
using Federated.Shared.Serialization;

namespace Federated.Coordinator.Rounds;

/// <summary>
/// The state the orchestrator shares with the transports: the open stage, the models clients
/// may download, and whether the federation is over.
/// </summary>
public sealed class FederationRuntime : IDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Hash, CodecKind Codec), byte[]> _encoded = new();
    private readonly CancellationTokenSource _finished = new();
    private volatile RoundStage? _stage;

    public RoundStage? CurrentStage => _stage;

    public ModelArchitecture? Architecture { get; internal set; }

    public bool IsFinished => _finished.IsCancellationRequested;

    /// <summary>Cancelled when the federation finishes, so long polls return at once.</summary>
    public CancellationToken FinishedToken => _finished.Token;

    public string? FinalModelHash { get; private set; }

    public string FinishReason { get; private set; } = "";

    internal void Open(RoundStage stage) => _stage = stage;

    internal void Clear(RoundStage stage) => Interlocked.CompareExchange(ref _stage, null, stage);

    /// <summary>Serves <paramref name="modelFile"/> to downloads; only the latest few models stay in memory.</summary>
    internal void Publish(string contentHash, byte[] modelFile, string? retireHash)
    {
        _models[contentHash] = modelFile;
        if (retireHash is not null && !string.Equals(retireHash, contentHash, StringComparison.OrdinalIgnoreCase))
        {
            _models.TryRemove(retireHash, out _);
            foreach (var key in _encoded.Keys)
            {
                if (string.Equals(key.Hash, retireHash, StringComparison.OrdinalIgnoreCase)) _encoded.TryRemove(key, out _);
            }
        }
    }

    /// <summary>
    /// The model with this hash as <paramref name="codec"/> puts it on the wire: the model file for
    /// FP32, an encoded-parameters payload otherwise (encoded once per model and codec, then shared).
    /// Null when the model is not one this coordinator serves from memory.
    /// </summary>
    public byte[]? GetEncodedModel(string contentHash, CodecKind codec)
    {
        if (!_models.TryGetValue(contentHash, out var modelFile)) return null;
        if (codec == CodecKind.Fp32) return modelFile;
        return _encoded.GetOrAdd((contentHash.ToLowerInvariant(), codec),
            static (key, file) => EncodeModelFile(file, key.Hash, key.Codec), modelFile);
    }

    /// <summary>
    /// A model file as a <paramref name="codec"/> download, encoded straight from the file's bytes (no
    /// model-sized copy of its parameters). Models are quantized deterministically (stochastic rounding
    /// is for updates): every client gets the same bytes.
    /// </summary>
    public static byte[] EncodeModelFile(byte[] modelFile, string contentHash, CodecKind codec)
    {
        var header = ModelFile.ReadHeader(modelFile);
        // The scratch is only written on big-endian machines, where the file's bytes are not the floats.
        var values = ModelFile.ReadValues(modelFile, header, BitConverter.IsLittleEndian ? [] : new float[header.Layout.TotalLength], contentHash);
        return ParameterCodec.Encode(header.Layout, values, codec == CodecKind.Int8Stochastic ? CodecKind.Int8 : codec);
    }

    public bool TryGetModel(string contentHash, out byte[] modelFile) => _models.TryGetValue(contentHash, out modelFile!);

    internal void Finish(string? finalModelHash, string reason)
    {
        FinalModelHash = finalModelHash;
        FinishReason = reason;
        _finished.Cancel();
    }

    public void Dispose() => _finished.Dispose();
}
