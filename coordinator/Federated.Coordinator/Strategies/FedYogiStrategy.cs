using Federated.Coordinator.Options;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// FedYogi (Reddi et al. 2021, Algorithm 2, after Zaheer et al. 2018's Yogi):
/// v_t = v_{t−1} − (1 − β₂) Δ_t² sign(v_{t−1} − Δ_t²), so v grows or shrinks additively.
/// </summary>
public sealed class FedYogiStrategy(
    FederationOptions federation,
    double serverLearningRate = FedAdaptiveStrategy.DefaultServerLearningRate,
    double beta1 = FedAdaptiveStrategy.DefaultBeta1,
    double beta2 = FedAdaptiveStrategy.DefaultBeta2,
    double tau = FedAdaptiveStrategy.DefaultTau)
    : FedAdaptiveStrategy(federation, serverLearningRate, beta1, beta2, tau)
{
    public override string Name => "FedYogi";

    private protected override byte StateAlgorithm => 4;

    private protected override void UpdateSecondMoment(ReadOnlySpan<float> delta, Span<float> v, Span<float> scratch)
    {
        // A plain loop: TensorPrimitives has no sign with sign(0) = 0, which the update needs when v = Δ².
        float rate = (float)(1 - Beta2);
        for (int i = 0; i < v.Length; i++)
        {
            float squared = delta[i] * delta[i];
            v[i] -= rate * squared * MathF.Sign(v[i] - squared);
        }
    }
}
