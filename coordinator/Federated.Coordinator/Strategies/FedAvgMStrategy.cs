using System.Numerics.Tensors;
using Federated.Coordinator.Options;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// FedAvgM: FedAvg with server momentum (Hsu, Qi and Brown 2019, "Measuring the Effects of
/// Non-Identical Data Distribution for Federated Visual Classification"): with the pseudo-gradient
/// Δ_t (mean client delta), m ← β m + Δ_t and x ← x + η m. Hsu et al. use η = 1 and β around 0.9
/// (the defaults here); β = 0 and η = 1 is FedAvg.
/// </summary>
public sealed class FedAvgMStrategy : FedOptStrategy
{
    public const double DefaultServerLearningRate = 1.0;

    public FedAvgMStrategy(FederationOptions federation, double serverLearningRate = DefaultServerLearningRate, double momentum = 0.9)
        : base(federation, serverLearningRate)
    {
        if (!(momentum is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{StrategyOptions.SectionName}:ServerMomentum must be in [0, 1).");
        Momentum = momentum;
    }

    public override string Name => "FedAvgM";

    /// <summary>β, the server momentum.</summary>
    public double Momentum { get; }

    private protected override byte StateAlgorithm => 1;

    private protected override int MomentCount => 1;

    private protected override void Step(ReadOnlySpan<float> delta, float[][] moments, ReadOnlySpan<float> global, Span<float> next)
    {
        Span<float> m = moments[0];
        // m ← β m + Δ
        TensorPrimitives.MultiplyAdd(m, (float)Momentum, delta, m);
        // x ← x + η m
        TensorPrimitives.MultiplyAdd(m, (float)ServerLearningRate, global, next);
    }
}
