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
    private ParameterBuffer? _next;

    public FedAvgAggregator(ParameterBuffer global)
    {
        ArgumentNullException.ThrowIfNull(global);
        _global = global;
        _sum = new WeightedDeltaSum(new float[global.Length]);
    }

    /// <summary>Sums into <paramref name="sum"/>, a zeroed array of the model's length that this aggregator then owns (it becomes the next model).</summary>
    internal FedAvgAggregator(ParameterBuffer global, float[] sum)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(sum);
        if (sum.Length != global.Length)
            throw new ArgumentException($"The sum buffer holds {sum.Length} floats; the model has {global.Length}.", nameof(sum));
        _global = global;
        _sum = new WeightedDeltaSum(sum);
    }

    public int Count => _sum.Count;

    public long TotalExamples => (long)_sum.TotalExamples;

    public void Accumulate(ReadOnlySpan<float> delta, long exampleCount)
    {
        // After Finish the sum's array is the new global model: folding more into it would change that model.
        if (_next is not null)
            throw new InvalidOperationException("FedAvg's round is already finished; it takes no more updates.");
        _sum.Add(delta, exampleCount);
    }

    /// <summary>
    /// The new global model, built in the running sum's own array (the sum is not needed afterwards),
    /// so finishing a round allocates no second model-sized buffer. Later calls return the same model.
    /// </summary>
    public ParameterBuffer Finish()
    {
        if (_next is not null) return _next;
        if (Count == 0)
            throw new InvalidOperationException("FedAvg cannot finish a round without any accepted update.");
        // next = global + sum / n, in place.
        TensorPrimitives.MultiplyAdd(_sum.Sum, (float)(1.0 / _sum.TotalExamples), _global.Values, _sum.Sum);
        _next = new ParameterBuffer(_global.Layout, _sum.Array);
        return _next;
    }
}
