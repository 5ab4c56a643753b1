using System.Numerics.Tensors;
using Federated.Coordinator.Options;

namespace Federated.Coordinator.Strategies;

/// <summary>FedAdagrad (Reddi et al. 2021, Algorithm 2): v_t = v_{t−1} + Δ_t². β₂ is not used.</summary>
public sealed class FedAdagradStrategy(
    FederationOptions federation,
    double serverLearningRate = FedAdaptiveStrategy.DefaultServerLearningRate,
    double beta1 = FedAdaptiveStrategy.DefaultBeta1,
    double tau = FedAdaptiveStrategy.DefaultTau)
    : FedAdaptiveStrategy(federation, serverLearningRate, beta1, DefaultBeta2, tau)
{
    public override string Name => "FedAdagrad";

    private protected override byte StateAlgorithm => 2;

    private protected override void UpdateSecondMoment(ReadOnlySpan<float> delta, Span<float> v, Span<float> scratch)
    {
        TensorPrimitives.Multiply(delta, delta, scratch);
        TensorPrimitives.Add(v, scratch, v);
    }
}
