using System.Numerics.Tensors;
using Federated.Coordinator.Options;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// The adaptive server optimizers of Reddi et al. 2021 ("Adaptive Federated Optimization", Algorithm 2):
/// m_t = β₁ m_{t−1} + (1 − β₁) Δ_t; v_t per variant; x_{t+1} = x_t + η m_t / (√v_t + τ).
/// As in the paper there is no bias correction and v starts at τ² (the paper asks v₋₁ ≥ τ²).
/// Defaults follow the paper's experiments: β₁ = 0.9, β₂ = 0.99, τ = 1e-3, and η = 1e-2
/// (within the range of server learning rates that worked best in its grid search).
/// </summary>
public abstract class FedAdaptiveStrategy : FedOptStrategy
{
    public const double DefaultServerLearningRate = 1e-2;
    public const double DefaultBeta1 = 0.9;
    public const double DefaultBeta2 = 0.99;
    public const double DefaultTau = 1e-3;

    private protected FedAdaptiveStrategy(FederationOptions federation, double serverLearningRate, double beta1, double beta2, double tau)
        : base(federation, serverLearningRate)
    {
        const string S = StrategyOptions.SectionName;
        if (!(beta1 is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"{S}:Beta1 must be in [0, 1).");
        if (!(beta2 is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"{S}:Beta2 must be in [0, 1).");
        if (!(tau > 0) || !double.IsFinite(tau))
            throw new ArgumentOutOfRangeException(nameof(tau), tau, $"{S}:Tau must be a positive number.");
        Beta1 = beta1;
        Beta2 = beta2;
        Tau = tau;
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    /// <summary>τ, the adaptivity: bounds the step where v is small.</summary>
    public double Tau { get; }

    private protected override int MomentCount => 2;

    private protected override void InitializeMoments(float[][] moments) => moments[1].AsSpan().Fill((float)(Tau * Tau));

    /// <summary>v_t from v_{t−1} and Δ_t, in place; <paramref name="scratch"/> is free to use.</summary>
    private protected abstract void UpdateSecondMoment(ReadOnlySpan<float> delta, Span<float> v, Span<float> scratch);

    private protected override void Step(ReadOnlySpan<float> delta, float[][] moments, ReadOnlySpan<float> global, Span<float> next)
    {
        Span<float> m = moments[0];
        Span<float> v = moments[1];
        // m ← β₁ m + (1 − β₁) Δ
        TensorPrimitives.Multiply(m, (float)Beta1, m);
        TensorPrimitives.MultiplyAdd(delta, (float)(1 - Beta1), m, m);
        UpdateSecondMoment(delta, v, next);
        // x ← x + η m / (√v + τ), built in next.
        TensorPrimitives.Sqrt(v, next);
        TensorPrimitives.Add(next, (float)Tau, next);
        TensorPrimitives.Divide(m, next, next);
        TensorPrimitives.MultiplyAdd(next, (float)ServerLearningRate, global, next);
    }
}
