using System.Numerics.Tensors;
using Federated.Shared.Parameters;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// Buffers every accepted delta in an <see cref="UpdateBuffer"/>, then applies a robust rule on
/// <see cref="Finish"/>: next = global + rule(deltas). Finishing (or disposing) releases the buffer and
/// its temporary file, so a round finishes once; dispose a round that never finishes.
/// </summary>
internal sealed class RobustAggregator(ParameterBuffer global, string name, IRobustRule rule, long spillThresholdBytes, string? spillDirectory = null)
    : IAggregator, IDisposable
{
    private readonly UpdateBuffer _updates = new(global.Length, spillThresholdBytes, spillDirectory);
    private bool _finished;

    public int Count { get; private set; }

    /// <summary>Updates that went to the temporary file.</summary>
    public int SpilledCount => _updates.SpilledCount;

    public void Accumulate(ReadOnlySpan<float> delta, long exampleCount)
    {
        if (_finished)
            throw new InvalidOperationException($"{name}'s round is already finished; it takes no more updates.");
        _updates.Add(delta, exampleCount);
        Count++;
    }

    public ParameterBuffer Finish()
    {
        if (_finished)
            throw new InvalidOperationException($"{name}'s round was already finished; its buffered updates are released.");
        if (Count == 0)
            throw new InvalidOperationException($"{name} cannot finish a round without any accepted update.");
        if (Count < rule.MinimumUpdates)
            throw new InvalidOperationException($"{name} needs at least {rule.MinimumUpdates} updates ({rule.MinimumReason}) but the round has {Count}.");
        try
        {
            var next = new ParameterBuffer(global.Layout);
            rule.Aggregate(_updates, next.Values);
            TensorPrimitives.Add(next.Values, global.Values, next.Values);
            return next;
        }
        finally
        {
            _finished = true;
            _updates.Dispose();
        }
    }

    public void Dispose()
    {
        _finished = true;
        _updates.Dispose();
    }
}
