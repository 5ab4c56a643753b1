namespace Federated.SecureAggregation;

/// <summary>
/// What a completed round reveals: Σ w_i·x_i and Σ w_i over the clients whose masked inputs were
/// accepted (<see cref="IncludedClients"/>), within the options' quantization error bound — and
/// nothing about any one client.
/// </summary>
public sealed record SecureAggregationResult(float[] WeightedSum, double TotalWeight, int[] IncludedClients)
{
    /// <summary>Weighted FedAvg: Σ w_i·x_i / Σ w_i in a new array (all zeros when the total weight is zero).</summary>
    public float[] WeightedMean()
    {
        var mean = new float[WeightedSum.Length];
        if (TotalWeight > 0) System.Numerics.Tensors.TensorPrimitives.Multiply(WeightedSum, (float)(1.0 / TotalWeight), mean);
        return mean;
    }
}
