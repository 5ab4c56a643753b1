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
    private readonly float[] _weightedSum;
    private double _totalExamples;

    public FedAvgAggregator(ParameterBuffer global)
    {
        ArgumentNullException.ThrowIfNull(global);
        _global = global;
        _weightedSum = new float[global.Length];
    }

    public int Count { get; private set; }

    public long TotalExamples => (long)_totalExamples;

    public void Accumulate(ReadOnlySpan<float> delta, long exampleCount)
    {
        if (delta.Length != _weightedSum.Length)
            throw new ArgumentException($"The update has {delta.Length} values; the model has {_weightedSum.Length}.", nameof(delta));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exampleCount);
        // sum += n_k · Δ_k in one fused SIMD pass.
        TensorPrimitives.MultiplyAdd(delta, (float)exampleCount, _weightedSum, _weightedSum);
        _totalExamples += exampleCount;
        Count++;
    }

    public ParameterBuffer Finish()
    {
        if (Count == 0)
            throw new InvalidOperationException("FedAvg cannot finish a round without any accepted update.");
        var next = new ParameterBuffer(_global.Layout);
        // next = global + sum / n
        TensorPrimitives.MultiplyAdd(_weightedSum, (float)(1.0 / _totalExamples), _global.Values, next.Values);
        return next;
    }
}
