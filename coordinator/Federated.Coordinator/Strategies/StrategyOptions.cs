namespace Federated.Coordinator.Strategies;

/// <summary>
/// Hyperparameters of the strategies, meant for the configuration section
/// <c>Federation:Strategy:Options</c>; each strategy reads the ones it uses. Defaults in one place.
/// </summary>
public sealed record StrategyOptions
{
    /// <summary>The configuration path of these options; validation errors name keys under it.</summary>
    public const string SectionName = "Federation:Strategy:Options";

    /// <summary>The key that names the strategy.</summary>
    public const string NameKey = "Federation:Strategy:Name";

    /// <summary>Default bytes of updates a robust strategy keeps in memory before spilling to a temporary file (512 MiB).</summary>
    public const long DefaultSpillThresholdBytes = 512L * 1024 * 1024;

    /// <summary>
    /// η, the server learning rate of fedavgm/fedadagrad/fedadam/fedyogi. Null takes the strategy's
    /// default: 1 for FedAvgM (Hsu et al. 2019), 1e-2 for the adaptive ones (Reddi et al. 2021).
    /// </summary>
    public double? ServerLearningRate { get; set; }

    /// <summary>β of FedAvgM's server momentum.</summary>
    public double ServerMomentum { get; set; } = 0.9;

    /// <summary>β₁ of fedadagrad/fedadam/fedyogi (first moment).</summary>
    public double Beta1 { get; set; } = FedAdaptiveStrategy.DefaultBeta1;

    /// <summary>β₂ of fedadam/fedyogi (second moment).</summary>
    public double Beta2 { get; set; } = FedAdaptiveStrategy.DefaultBeta2;

    /// <summary>τ, the adaptivity of fedadagrad/fedadam/fedyogi.</summary>
    public double Tau { get; set; } = FedAdaptiveStrategy.DefaultTau;

    /// <summary>β of fedtrimmedavg: the fraction trimmed from each end of every coordinate, in [0, 0.5).</summary>
    public double TrimFraction { get; set; } = 0.1;

    /// <summary>f, the Byzantine clients krum/multikrum/bulyan tolerate.</summary>
    public int ByzantineClients { get; set; }

    /// <summary>m, the updates Multi-Krum averages; null for n − f.</summary>
    public int? KrumSelect { get; set; }

    /// <summary>Bytes of updates robust strategies keep in memory before spilling further ones to a temporary file.</summary>
    public long SpillThresholdBytes { get; set; } = DefaultSpillThresholdBytes;
}
