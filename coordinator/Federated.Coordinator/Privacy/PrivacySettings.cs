namespace Federated.Coordinator.Privacy;

/// <summary>Where the Gaussian noise of differential privacy is added.</summary>
public enum PrivacyMode
{
    /// <summary>No differential privacy.</summary>
    None,
    /// <summary>Each client clips its update and adds all the noise (local DP): nobody, the coordinator included, sees an update without noise.</summary>
    Local,
    /// <summary>The coordinator clips every update and adds the noise to the aggregate (central DP, DP-FedAvg: McMahan et al. 2018).</summary>
    Central,
    /// <summary>Each client clips and adds its share of the noise before secure-aggregation masking, so only the sum carries the full noise.</summary>
    Distributed,
}

/// <summary>
/// Differential privacy of training rounds, bound from <c>Federation:Privacy</c>
/// (e.g. <c>Federation:Privacy:Mode=Central</c>, <c>Federation:Privacy:NoiseMultiplier=1.0</c>).
/// ε is counted per client (user-level DP: one client's whole update is the unit protected).
/// </summary>
public sealed class PrivacySettings
{
    public PrivacyMode Mode { get; set; } = PrivacyMode.None;

    /// <summary>z: the noise's standard deviation as a multiple of the clip norm, for the aggregate (or, in Local mode, for each update).</summary>
    public double NoiseMultiplier { get; set; } = 1.0;

    /// <summary>L2 bound every update is clipped to (the first round's, when clipping is adaptive).</summary>
    public double ClipNorm { get; set; } = 1.0;

    /// <summary>Adapt the clip norm toward <see cref="TargetQuantile"/> of the update norms (Andrew et al. 2021); Central mode only.</summary>
    public bool AdaptiveClipping { get; set; }

    /// <summary>γ: the fraction of updates that should fit within the clip norm (adaptive clipping).</summary>
    public double TargetQuantile { get; set; } = 0.5;

    /// <summary>η of the geometric clip-norm update (adaptive clipping; the paper's 0.2).</summary>
    public double ClipLearningRate { get; set; } = 0.2;

    /// <summary>σ_b, the noise on the count of updates within the bound (adaptive clipping); unset for the paper's choice, clients per round / 20.</summary>
    public double? ClipCountNoise { get; set; }

    /// <summary>δ of the (ε, δ) guarantee the accountant reports.</summary>
    public double Delta { get; set; } = 1e-5;

    /// <summary>Seeds the coordinator's noise for reproducible simulations; unset (the default) draws it from the OS's cryptographic generator.</summary>
    public long? NoiseSeed { get; set; }
}
