using System.Numerics.Tensors;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// The running sum Σ n_k Δ_k and Σ n_k of FedAvg (McMahan et al. 2017), in O(model) memory; the
/// example-weighted mean of the deltas is the pseudo-gradient of the server optimizers.
/// </summary>
internal sealed class WeightedDeltaSum(int length)
{
    private readonly float[] _sum = new float[length];
    private double _totalExamples;

    public int Count { get; private set; }

    public double TotalExamples => _totalExamples;

    public int Length => _sum.Length;

    /// <summary>Σ n_k Δ_k so far.</summary>
    public Span<float> Sum => _sum;

    public void Add(ReadOnlySpan<float> delta, long exampleCount)
    {
        if (delta.Length != _sum.Length)
            throw new ArgumentException($"The update has {delta.Length} values; the model has {_sum.Length}.", nameof(delta));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exampleCount);
        // sum += n_k · Δ_k in one fused SIMD pass.
        TensorPrimitives.MultiplyAdd(delta, (float)exampleCount, _sum, _sum);
        _totalExamples += exampleCount;
        Count++;
    }
}
