using System.Numerics.Tensors;
using Federated.Coordinator.Options;

namespace Federated.Coordinator.Strategies;

/// <summary>FedAdam (Reddi et al. 2021, Algorithm 2): v_t = β₂ v_{t−1} + (1 − β₂) Δ_t².</summary>
public sealed class FedAdamStrategy(
    FederationOptions federation,
    double serverLearningRate = FedAdaptiveStrategy.DefaultServerLearningRate,
    double beta1 = FedAdaptiveStrategy.DefaultBeta1,
    double beta2 = FedAdaptiveStrategy.DefaultBeta2,
    double tau = FedAdaptiveStrategy.DefaultTau)
    : FedAdaptiveStrategy(federation, serverLearningRate, beta1, beta2, tau)
{
    public override string Name => "FedAdam";

    private protected override byte StateAlgorithm => 3;

    private protected override void UpdateSecondMoment(ReadOnlySpan<float> delta, Span<float> v, Span<float> scratch)
    {
        TensorPrimitives.Multiply(delta, delta, scratch);
        TensorPrimitives.Multiply(v, (float)Beta2, v);
        TensorPrimitives.MultiplyAdd(scratch, (float)(1 - Beta2), v, v);
    }
}
