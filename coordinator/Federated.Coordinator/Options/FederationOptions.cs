using Federated.Shared.Codecs;
using Federated.Shared.Training;

namespace Federated.Coordinator.Options;

/// <summary>
/// How a federation runs, bound from the configuration section <c>Federation</c>
/// (appsettings.json, environment variables <c>Federation__Rounds</c>, command line <c>--Federation:Rounds</c>).
/// </summary>
public sealed class FederationOptions
{
    public const string SectionName = "Federation";

    /// <summary>Model to train: <c>cnn</c>, <c>mlp</c>, or an architecture text.</summary>
    public string Model { get; set; } = "cnn";

    /// <summary>Seeds the initial model and client selection.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Rounds to run; the federation then finishes and clients are told so.</summary>
    public int Rounds { get; set; } = 3;

    /// <summary>Clients that must have joined before the first round starts (and before each later one).</summary>
    public int MinClients { get; set; } = 2;

    /// <summary>Clients asked to train per round: the larger of this and <see cref="FractionPerRound"/> × available.</summary>
    public int ClientsPerRound { get; set; } = 2;

    /// <summary>Fraction of available clients asked to train per round (0 = use <see cref="ClientsPerRound"/> only).</summary>
    public double FractionPerRound { get; set; }

    /// <summary>Accepted training results needed to aggregate; with fewer the round fails and the model stays.</summary>
    public int MinResults { get; set; } = 2;

    /// <summary>How long a round's training may take before missing clients count as failures.</summary>
    public TimeSpan RoundTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Ask clients to evaluate each new global model on their held-out data.</summary>
    public bool FederatedEvaluation { get; set; } = true;

    public TimeSpan EvaluationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A client not heard from for this long is not selected.</summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Largest example count a client may claim for one update (bounds one client's FedAvg weight).</summary>
    public long MaxExampleCount { get; set; } = 100_000_000;

    /// <summary>Largest L2 norm an update may have (0 = no bound).</summary>
    public double MaxUpdateNorm { get; set; }

    /// <summary>What to do with an update longer than <see cref="MaxUpdateNorm"/>.</summary>
    public UpdateNormPolicy UpdateNormPolicy { get; set; } = UpdateNormPolicy.Reject;

    /// <summary>Stop the host once the last round is done and clients were told.</summary>
    public bool ExitWhenDone { get; set; }

    /// <summary>SQLite database file.</summary>
    public string DatabasePath { get; set; } = "runs/coordinator.db";

    /// <summary>
    /// Size of model and result chunks on the wire (gRPC refuses messages over 4 MB). Small chunks keep
    /// the coordinator's memory flat: a download holds about one chunk in the server's send buffer per
    /// client, and every received chunk is a fresh array that, under 85 KB, dies young instead of
    /// landing on the large-object heap.
    /// </summary>
    public int ChunkBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Uploads received at the same time over gRPC; further ones wait (held back by flow control).
    /// Each holds one payload in memory, so this bounds the coordinator's upload memory to about
    /// this many payloads. Raise it when clients have slow uplinks and the coordinator has memory.
    /// </summary>
    public int MaxConcurrentUploads { get; set; } = 2;

    /// <summary>Synchronous rounds (the default) or FedBuff's buffered asynchronous aggregation for device fleets.</summary>
    public FederationMode Mode { get; set; } = FederationMode.Synchronous;

    /// <summary>FedBuff's buffer, concurrency and staleness settings (<c>Federation:Mode</c> = FedBuff).</summary>
    public BufferedAggregationSettings FedBuff { get; set; } = new();

    /// <summary>Secure aggregation of training rounds (off by default).</summary>
    public SecureAggregationSettings SecureAggregation { get; set; } = new();

    /// <summary>Differential privacy of training rounds (<c>Federation:Privacy</c>; off by default).</summary>
    public Privacy.PrivacySettings Privacy { get; set; } = new();

    public TrainingOptions Training { get; set; } = new();

    /// <summary>
    /// Codecs for model downloads, in order of preference; each client gets the first it can decode
    /// (FP32 when none). E.g. <c>["Int8", "Fp16"]</c> to send models quantized.
    /// </summary>
    public List<CodecKind> ModelCodecs { get; set; } = [];

    /// <summary>Codecs for update uploads, in order of preference (e.g. <c>["Int8Stochastic"]</c>).</summary>
    public List<CodecKind> UpdateCodecs { get; set; } = [];

    /// <summary>How updates become the next global model (<c>Federation:Strategy:Name</c> and <c>:Options</c>).</summary>
    public StrategySettings Strategy { get; set; } = new();
}

/// <summary>The strategy by name, with its options.</summary>
public sealed class StrategySettings
{
    /// <summary>fedavg, fedavgm, fedadagrad, fedadam, fedyogi, fedmedian, fedtrimmedavg, krum, multikrum or bulyan.</summary>
    public string Name { get; set; } = "fedavg";

    public Strategies.StrategyOptions Options { get; set; } = new();
}

/// <summary>What happens to an update whose L2 norm exceeds the bound.</summary>
public enum UpdateNormPolicy
{
    /// <summary>Refuse it and record why.</summary>
    Reject,
    /// <summary>Scale it down to the bound and accept it.</summary>
    Clip,
}

/// <summary>Local training settings sent to clients with every training task.</summary>
public sealed class TrainingOptions
{
    public int Epochs { get; set; } = 1;

    public int BatchSize { get; set; } = 32;

    public double LearningRate { get; set; } = 0.01;

    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Sgd;

    public double Momentum { get; set; } = 0.9;

    public double WeightDecay { get; set; }

    /// <summary>FedProx's μ: clients add μ/2 ‖w − w_global‖² to their loss (0 = plain FedAvg training).</summary>
    public double ProximalMu { get; set; }

    public TrainingConfig ToConfig(long seed) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Optimizer = Optimizer,
        Momentum = Momentum,
        WeightDecay = WeightDecay,
        ProximalMu = ProximalMu,
        Seed = seed,
    };
}
