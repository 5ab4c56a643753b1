using Federated.Shared.Training;

namespace Federated.Simulations.Scenarios;

/// <summary>
/// Everything that defines a simulated federation. One <see cref="Seed"/> fixes partitioning,
/// client sampling, the initial model, training order and faults: the same scenario gives the
/// same per-round metrics.
/// </summary>
public sealed record SimulationScenario
{
    /// <summary>Shown in reports and used to name the output folder.</summary>
    public string Name { get; init; } = "simulation";

    /// <summary><c>fashion-mnist</c> (Debian files, else the subset shipped in the repository) or a .csv path.</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Label column of a CSV dataset.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>Use at most this many test examples for the per-round central evaluation (0 = all).</summary>
    public int TestLimit { get; init; }

    /// <summary><c>cnn</c>, <c>mlp</c>, <c>logreg</c> or an architecture text.</summary>
    public string Model { get; init; } = "cnn";

    public PartitionSpec Partition { get; init; } = new();

    /// <summary>Virtual clients registered with the coordinator.</summary>
    public int Clients { get; init; } = 100;

    public int ClientsPerRound { get; init; } = 10;

    public int Rounds { get; init; } = 5;

    /// <summary>Accepted updates needed to aggregate (0 = half of <see cref="ClientsPerRound"/>, at least 1).</summary>
    public int MinResults { get; init; }

    public StrategySpec Strategy { get; init; } = new();

    public LocalTraining Training { get; init; } = new();

    public FaultSpec Faults { get; init; } = new();

    /// <summary>Secure aggregation of every training round (SecAgg+); off by default.</summary>
    public SecureAggregationSpec SecureAggregation { get; init; } = new();

    /// <summary>Differential privacy of training rounds (the coordinator's Federation:Privacy); none by default.</summary>
    public DifferentialPrivacySpec Privacy { get; init; } = new();

    /// <summary>How models travel to clients: fp32, fp16, int8.</summary>
    public string ModelCodec { get; init; } = "fp32";

    /// <summary>How updates travel back: fp32, fp16, int8, int8stochastic.</summary>
    public string UpdateCodec { get; init; } = "fp32";

    /// <summary>Simulated seconds a round may take before missing clients count as failures.</summary>
    public double RoundTimeoutSeconds { get; init; } = 600;

    public int Seed { get; init; } = 42;

    /// <summary>Trainer workers (0 = one per core). Each trains one virtual client at a time.</summary>
    public int Workers { get; init; }

    /// <summary>Run each virtual client through the real gRPC client against a loopback coordinator.</summary>
    public bool Loopback { get; init; }

    /// <summary>Where run folders go; each run gets <c>{OutputDirectory}/{Name}-{timestamp}</c>.</summary>
    public string OutputDirectory { get; init; } = "runs";
}

/// <summary>How the training set is split among clients.</summary>
public sealed record PartitionSpec
{
    /// <summary><c>iid</c>, <c>dirichlet</c>, <c>shards</c> (pathological, k labels per client) or <c>quantity</c>.</summary>
    public string Kind { get; init; } = "dirichlet";

    /// <summary>Concentration of Dirichlet label skew (small = more skewed) or of quantity skew.</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Shards (≈ labels) per client for the pathological split.</summary>
    public int ShardsPerClient { get; init; } = 2;

    /// <summary>Every client gets at least this many examples (Dirichlet and quantity skew redraw until it holds).</summary>
    public int MinExamplesPerClient { get; init; } = 10;
}

/// <summary>The server-side strategy and its options.</summary>
public sealed record StrategySpec
{
    /// <summary>One of the coordinator's strategies: fedavg, fedavgm, fedadagrad, fedadam, fedyogi, fedmedian, fedtrimmedavg, krum, multikrum, bulyan.</summary>
    public string Name { get; init; } = "fedavg";

    /// <summary>The strategy's options (server learning rate, momentum, trim fraction, assumed Byzantine clients, …).</summary>
    public Federated.Coordinator.Strategies.StrategyOptions Options { get; init; } = new();
}

/// <summary>Local training settings sent with every task.</summary>
public sealed record LocalTraining
{
    public int Epochs { get; init; } = 1;

    public int BatchSize { get; init; } = 32;

    public double LearningRate { get; init; } = 0.01;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; }

    /// <summary>FedProx's μ (0 = none).</summary>
    public double ProximalMu { get; init; }
}

/// <summary>Heterogeneity and failures of virtual clients.</summary>
public sealed record FaultSpec
{
    /// <summary>Chance that a selected client drops out of a round silently (never answers).</summary>
    public double DropoutProbability { get; init; }

    /// <summary>Fraction of clients that are stragglers.</summary>
    public double StragglerFraction { get; init; }

    /// <summary>How many times slower a straggler trains; a result later than the deadline is lost.</summary>
    public double StragglerSlowdown { get; init; } = 10;

    /// <summary>Chance that a client is offline for a whole round (not available for selection).</summary>
    public double UnavailableProbability { get; init; }

    /// <summary>Simulated seconds per training step on an unslowed client (stragglers: times the slowdown).</summary>
    public double SecondsPerStep { get; init; } = 0.01;

    /// <summary>Fraction of clients that send malicious updates instead of their honest ones.</summary>
    public double ByzantineFraction { get; init; }

    /// <summary>
    /// What a Byzantine client sends: <c>signflip</c> (−scale × its update), <c>scaled</c>
    /// (scale × its update) or <c>noise</c> (Gaussian noise with standard deviation scale).
    /// </summary>
    public string ByzantineAttack { get; init; } = "signflip";

    public double ByzantineScale { get; init; } = 1;

    /// <summary>
    /// With secure aggregation: the chance that a client still in the protocol drops silently before
    /// sending each phase's message (advertise keys, share keys, masked input, unmask), drawn per phase.
    /// </summary>
    public double SecureDropoutProbability { get; init; }
}

/// <summary>Secure aggregation settings of a scenario (the coordinator's Federation:SecureAggregation).</summary>
public sealed record SecureAggregationSpec
{
    public bool Enabled { get; init; }

    /// <summary>k, neighbours per client (even); 0 for the dropout-aware recommendation.</summary>
    public int NeighbourDegree { get; init; }

    /// <summary>Dropout rate the recommended degree is sized for.</summary>
    public double ExpectedDropout { get; init; } = 0.1;

    /// <summary>Shamir threshold t as a fraction of a neighbourhood (k + 1); 0 for the default (just over half).</summary>
    public double ThresholdFraction { get; init; }

    /// <summary>Each update element is clipped to [−clipRange, clipRange].</summary>
    public double ClipRange { get; init; } = 1;

    /// <summary>Bit width of the ring the masked sums live in (8..32).</summary>
    public int BitWidth { get; init; } = 32;

    /// <summary>Largest example weight of one update.</summary>
    public double MaxExampleWeight { get; init; } = 10_000;

    /// <summary>Simulated seconds each phase after training waits for missing clients.</summary>
    public double PhaseTimeoutSeconds { get; init; } = 60;
}

/// <summary>Differential privacy settings of a scenario (the coordinator's Federation:Privacy).</summary>
public sealed record DifferentialPrivacySpec
{
    /// <summary><c>none</c>, <c>local</c> (clients add all the noise), <c>central</c> (the coordinator clips and noises the aggregate) or <c>distributed</c> (noise shares before secure-aggregation masking).</summary>
    public string Mode { get; init; } = "none";

    /// <summary>z: the noise's standard deviation as a multiple of the clip norm.</summary>
    public double NoiseMultiplier { get; init; } = 1.0;

    /// <summary>L2 bound of each update (the first round's when adaptive).</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Adapt the clip norm toward a quantile of update norms (Andrew et al. 2021; central mode only).</summary>
    public bool AdaptiveClipping { get; init; }

    public double TargetQuantile { get; init; } = 0.5;

    public double ClipLearningRate { get; init; } = 0.2;

    /// <summary>σ_b of the noised count of adaptive clipping; 0 for clients per round / 20.</summary>
    public double ClipCountNoise { get; init; }

    /// <summary>δ of the (ε, δ) guarantee reported per round.</summary>
    public double Delta { get; init; } = 1e-5;
}
