using System.Numerics.Tensors;
using Federated.Shared.Parameters;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// Federated Averaging (McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks
/// from Decentralized Data", Algorithm 1): w ← w + Σ_k (n_k / n) Δ_k, with Δ_k = w_k − w.
/// Streaming: keeps one running sum Σ n_k Δ_k, so memory is O(model) for any number of clients.
/// </summary>
public sealed class FedAvgAggregator : IAggregator
{
    private readonly ParameterBuffer _global;
    private readonly WeightedDeltaSum _sum;

    public FedAvgAggregator(ParameterBuffer global)
    {
        ArgumentNullException.ThrowIfNull(global);
        _global = global;
        _sum = new WeightedDeltaSum(global.Length);
    }

    public int Count => _sum.Count;

    public long TotalExamples => (long)_sum.TotalExamples;

    public void Accumulate(ReadOnlySpan<float> delta, long exampleCount) => _sum.Add(delta, exampleCount);

    public ParameterBuffer Finish()
    {
        if (Count == 0)
            throw new InvalidOperationException("FedAvg cannot finish a round without any accepted update.");
        var next = new ParameterBuffer(_global.Layout);
        // next = global + sum / n
        TensorPrimitives.MultiplyAdd(_sum.Sum, (float)(1.0 / _sum.TotalExamples), _global.Values, next.Values);
        return next;
    }
}
