using System.Numerics.Tensors;
using Federated.Shared.Parameters;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// Streams updates into the example-weighted sum (as FedAvg does), then on <see cref="Finish"/> turns it
/// into the pseudo-gradient Δ_t and lets the owning <see cref="FedOptStrategy"/> take its server step.
/// Finishing advances the strategy's moments, so it happens once.
/// </summary>
internal sealed class FedOptAggregator(ParameterBuffer global, FedOptStrategy strategy) : IAggregator
{
    private readonly WeightedDeltaSum _sum = new(global.Length);
    private bool _finished;

    public int Count => _sum.Count;

    public void Accumulate(ReadOnlySpan<float> delta, long exampleCount)
    {
        if (_finished)
            throw new InvalidOperationException($"{strategy.Name}'s round is already finished; it takes no more updates.");
        _sum.Add(delta, exampleCount);
    }

    public ParameterBuffer Finish()
    {
        if (Count == 0)
            throw new InvalidOperationException($"{strategy.Name} cannot finish a round without any accepted update.");
        if (_finished)
            throw new InvalidOperationException($"{strategy.Name}'s round was already finished; finishing again would step the server optimizer twice.");
        _finished = true;
        // Δ_t = Σ n_k Δ_k / Σ n_k, in place.
        var delta = _sum.Sum;
        TensorPrimitives.Multiply(delta, (float)(1.0 / _sum.TotalExamples), delta);
        var next = new ParameterBuffer(global.Layout);
        strategy.ApplyRound(delta, global.Values, next.Values);
        return next;
    }
}
