using System.Collections.Concurrent;
using Federated.Shared.Models;

namespace Federated.Coordinator.Rounds;

/// <summary>
/// The state the orchestrator shares with the transports: the open stage, the models clients
/// may download, and whether the federation is over.
/// </summary>
public sealed class FederationRuntime : IDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _models = new(StringComparer.OrdinalIgnoreCase);
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
            _models.TryRemove(retireHash, out _);
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
