namespace Federated.Shared.Training;

public enum OptimizerKind
{
    Sgd,
    Adam,
}

/// <summary>How a client trains locally for one task; the coordinator's strategy decides it per round.</summary>
public sealed record TrainingConfig
{
    public int Epochs { get; init; } = 1;

    public int BatchSize { get; init; } = 32;

    public double LearningRate { get; init; } = 0.01;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>SGD momentum (ignored by Adam).</summary>
    public double Momentum { get; init; }

    public double WeightDecay { get; init; }

    /// <summary>
    /// FedProx's proximal coefficient μ (Li et al. 2020, "Federated Optimization in Heterogeneous
    /// Networks"): local training minimises loss + μ/2 ‖w − w_global‖². 0 is plain local SGD.
    /// </summary>
    public double ProximalMu { get; init; }

    /// <summary>Seeds shuffling, dropout and any other randomness of the local run.</summary>
    public long Seed { get; init; }

    /// <summary>Throws with the offending field's name when a value is out of range.</summary>
    public void Validate()
    {
        if (Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1.");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be a positive finite number.");
        if (Momentum is < 0 or >= 1 || double.IsNaN(Momentum)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must be in [0, 1).");
        if (WeightDecay < 0 || !double.IsFinite(WeightDecay)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay must be a non-negative finite number.");
        if (ProximalMu < 0 || !double.IsFinite(ProximalMu)) throw new ArgumentOutOfRangeException(nameof(ProximalMu), ProximalMu, "ProximalMu must be a non-negative finite number.");
    }
}
