using Federated.Coordinator.Options;
using Federated.Coordinator.Strategies;

namespace Federated.Coordinator.Rounds;

/// <summary>
/// The server steps of a FedBuff stage: updates go into the open step's buffer with their
/// staleness (steps since the one their task was issued in); a full buffer is queued for the
/// orchestrator and the next step opens at once, so no update ever waits for the model to be
/// written. Not thread-safe: its <see cref="RoundStage"/> calls it under its lock.
/// </summary>
internal sealed class BufferedSteps(int length, BufferedAggregationSettings settings, long firstRound)
{
    private readonly Queue<(long Round, StalenessWeightedBuffer Buffer)> _full = new();
    private readonly Stack<StalenessWeightedBuffer> _spare = new();
    private StalenessWeightedBuffer _open = new(length, settings.BufferSize, settings.StalenessExponent);

    /// <summary>The server step the open buffer builds (a round in the store).</summary>
    public long OpenRound { get; private set; } = firstRound;

    public int MaxStaleness => settings.MaxStaleness;

    public int StalenessOf(long baseRound) => (int)(OpenRound - baseRound);

    /// <summary>Why an update from a task issued in <paramref name="baseRound"/> is too stale, or null.</summary>
    public string? StaleReason(string taskId, long baseRound)
    {
        int staleness = StalenessOf(baseRound);
        return staleness > settings.MaxStaleness
            ? $"the update for task {taskId} is {staleness} server steps stale (issued in step {baseRound}, now {OpenRound}); the bound is {settings.MaxStaleness}"
            : null;
    }

    /// <returns>True when this update filled the open step (a full buffer is now queued).</returns>
    public bool Add(ReadOnlySpan<float> delta, long baseRound)
    {
        _open.Add(delta, StalenessOf(baseRound));
        if (!_open.IsFull) return false;
        _full.Enqueue((OpenRound, _open));
        _open = _spare.Count > 0 ? _spare.Pop() : new StalenessWeightedBuffer(length, settings.BufferSize, settings.StalenessExponent);
        OpenRound++;
        return true;
    }

    public bool TryTakeFull(out long round, out StalenessWeightedBuffer buffer)
    {
        if (_full.TryDequeue(out var next))
        {
            (round, buffer) = next;
            return true;
        }
        (round, buffer) = (0, null!);
        return false;
    }

    /// <summary>Takes back an applied (empty) buffer for a later step.</summary>
    public void Recycle(StalenessWeightedBuffer buffer)
    {
        if (buffer.Count == 0) _spare.Push(buffer);
    }
}
