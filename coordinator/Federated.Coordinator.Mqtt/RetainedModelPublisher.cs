using Federated.Protocol;

namespace Federated.Coordinator.Mqtt;

/// <summary>
/// Publishes each model once, as retained chunks under its content hash and codec, so that however
/// many devices download it the coordinator sends it to the broker once and the broker fans it out
/// (and replays it to devices that subscribe later or resume). Only the newest
/// <see cref="MqttChannelOptions.RetainedModels"/> models stay on the broker.
/// </summary>
internal sealed class RetainedModelPublisher(MqttTopics topics, int chunkBytes, int keep) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<ModelManifest> _published = [];

    /// <summary>Publishes the model unless it already is; returns where its chunks are.</summary>
    /// <param name="publish">Sends one message (topic, payload, retain) to the broker.</param>
    public async Task<ModelManifest> EnsurePublishedAsync(string contentHash, Codec codec, byte[] bytes,
        Func<string, ReadOnlyMemory<byte>, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(publish);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var manifest in _published)
            {
                if (manifest.Codec == codec && manifest.TotalBytes == bytes.Length && string.Equals(manifest.ModelHash, contentHash, StringComparison.OrdinalIgnoreCase))
                    return manifest;
            }
            var created = new ModelManifest
            {
                ModelHash = contentHash,
                Codec = codec,
                TotalBytes = bytes.Length,
                ChunkBytes = chunkBytes,
                ChunkCount = (int)((bytes.Length + (long)chunkBytes - 1) / chunkBytes),
            };
            for (int index = 0; index < created.ChunkCount; index++)
            {
                int start = index * chunkBytes;
                await publish(topics.ModelChunk(contentHash, codec, index), bytes.AsMemory(start, Math.Min(chunkBytes, bytes.Length - start)), cancellationToken).ConfigureAwait(false);
            }
            _published.Add(created);
            while (_published.Count > keep)
            {
                // An empty retained message deletes the retained one (MQTT 5 §3.3.1.3).
                var old = _published[0];
                _published.RemoveAt(0);
                for (int index = 0; index < old.ChunkCount; index++)
                    await publish(topics.ModelChunk(old.ModelHash, old.Codec, index), ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            }
            return created;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Forgets what was published: after a reconnect the broker may have restarted and lost its
    /// retained messages, so models are published again when next asked for.
    /// </summary>
    public void Forget()
    {
        _gate.Wait();
        try
        {
            _published.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
