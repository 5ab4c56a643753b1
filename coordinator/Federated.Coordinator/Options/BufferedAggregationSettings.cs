namespace Federated.Coordinator.Options;

/// <summary>How the coordinator turns updates into global models.</summary>
public enum FederationMode
{
    /// <summary>Rounds: select clients, wait for their updates (or the deadline), aggregate with the strategy.</summary>
    Synchronous,

    /// <summary>
    /// FedBuff (Nguyen et al. 2022, "Federated Learning with Buffered Asynchronous Aggregation"):
    /// clients train whenever they are free on the newest model they can get; every
    /// <see cref="BufferedAggregationSettings.BufferSize"/> updates, whatever model they started from,
    /// become the next global model, stale ones weighted down.
    /// </summary>
    FedBuff,
}

/// <summary>The <c>Federation:FedBuff</c> section, read when <c>Federation:Mode</c> is FedBuff.</summary>
public sealed class BufferedAggregationSettings
{
    /// <summary>K: updates buffered per server step (the paper's experiments use K = 10).</summary>
    public int BufferSize { get; set; } = 10;

    /// <summary>Clients training at once; a freed slot goes to the next available client at once.</summary>
    public int Concurrency { get; set; } = 20;

    /// <summary>Updates more than this many server steps behind the model they started from are refused.</summary>
    public int MaxStaleness { get; set; } = 10;

    /// <summary>η_g: x ← x + η_g · (1/K) Σ s(τ_i) Δ_i.</summary>
    public double ServerLearningRate { get; set; } = 1.0;

    /// <summary>a in the staleness weight s(τ) = (1 + τ)^−a; the paper uses 1/√(1 + τ), a = 0.5.</summary>
    public double StalenessExponent { get; set; } = 0.5;
}
