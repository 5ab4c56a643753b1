namespace Federated.Coordinator.Options;

/// <summary>
/// Secure aggregation (SecAgg+, Bonawitz et al. 2017 with the sparse graph of Bell et al. 2020),
/// configuration section <c>Federation:SecureAggregation</c>. When enabled, every training round
/// collects masked updates: the coordinator learns only their example-weighted sum, never one
/// client's update. Works with the FedAvg family (FedAvg, FedAvgM, FedAdagrad, FedAdam, FedYogi),
/// which need only that sum; not with the robust strategies, which must see single updates.
/// Updates cannot be norm-checked one by one either: each element is clipped to
/// [−<see cref="ClipRange"/>, <see cref="ClipRange"/>] on the client instead.
/// </summary>
public sealed class SecureAggregationSettings
{
    public bool Enabled { get; set; }

    /// <summary>
    /// k, the neighbours each client pairs masks and shares secrets with (even; k = n − 1 is
    /// classic SecAgg). Unset: the smallest k that keeps the round recoverable at
    /// <see cref="ExpectedDropout"/> (about 2·log2 n for large n, close to n − 1 for small n).
    /// </summary>
    public int? NeighbourDegree { get; set; }

    /// <summary>The fraction of clients expected to drop during a round; sizes the default <see cref="NeighbourDegree"/>.</summary>
    public double ExpectedDropout { get; set; } = 0.1;

    /// <summary>t as a fraction of a neighbourhood (k + 1): shares needed to rebuild a client's secret. Unset: just over half.</summary>
    public double? ThresholdFraction { get; set; }

    /// <summary>Each update element is clipped to [−ClipRange, ClipRange] before fixed-point encoding.</summary>
    public float ClipRange { get; set; } = 1f;

    /// <summary>b, the bit width of the ring Z_2^b the masked sums live in (8..32).</summary>
    public int BitWidth { get; set; } = 32;

    /// <summary>Largest example weight one client's update carries (larger example counts are capped to it).</summary>
    public float MaxExampleWeight { get; set; } = 10_000f;

    /// <summary>How long each protocol phase after training waits for the clients before it closes without the missing ones.</summary>
    public TimeSpan PhaseTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
