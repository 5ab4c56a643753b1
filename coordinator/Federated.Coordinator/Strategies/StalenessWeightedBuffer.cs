using System.Numerics.Tensors;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// FedBuff's server buffer (Nguyen et al. 2022, Algorithm 1): updates are added as they arrive,
/// each scaled by its staleness weight s(τ) = (1 + τ)^−a, where τ is how many server steps
/// happened since the model the client trained from; after K of them the global model moves by
/// η_g · (1/K) · Σ s(τ_i) Δ_i. Memory is one model-sized sum, whatever the fleet size.
/// </summary>
public sealed class StalenessWeightedBuffer(int length, int capacity, double exponent)
{
    private float[] _sum = new float[length];

    /// <summary>K.</summary>
    public int Capacity { get; } = capacity;

    public int Count { get; private set; }

    /// <summary>Σ s(τ_i) over the buffered updates.</summary>
    public double WeightSum { get; private set; }

    public int MaxStaleness { get; private set; }

    public long StalenessSum { get; private set; }

    public bool IsFull => Count >= Capacity;

    /// <summary>s(τ) = (1 + τ)^−a.</summary>
    public double Weight(int staleness) => Math.Pow(1 + staleness, -exponent);

    public void Add(ReadOnlySpan<float> delta, int staleness)
    {
        if (delta.Length != _sum.Length) throw new ArgumentException($"An update of {delta.Length} values does not fit a buffer of {_sum.Length}.", nameof(delta));
        ArgumentOutOfRangeException.ThrowIfNegative(staleness);
        float weight = (float)Weight(staleness);
        // sum += s(τ)·Δ in one fused pass.
        TensorPrimitives.MultiplyAdd(delta, weight, _sum, _sum);
        WeightSum += weight;
        StalenessSum += staleness;
        MaxStaleness = Math.Max(MaxStaleness, staleness);
        Count++;
    }

    /// <summary>Moves <paramref name="global"/> by η_g · (1/K) · Σ s(τ_i) Δ_i and empties the buffer for the next step.</summary>
    public void ApplyTo(Span<float> global, double serverLearningRate)
    {
        if (global.Length != _sum.Length) throw new ArgumentException("The model does not fit the buffer.", nameof(global));
        if (Count == 0) throw new InvalidOperationException("The buffer holds no updates.");
        TensorPrimitives.MultiplyAdd(_sum, (float)(serverLearningRate / Count), global, global);
        Array.Clear(_sum);
        Count = 0;
        WeightSum = 0;
        StalenessSum = 0;
        MaxStaleness = 0;
    }
}
