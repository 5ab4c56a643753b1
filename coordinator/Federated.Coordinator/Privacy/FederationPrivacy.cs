using Federated.Coordinator.Options;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Strategies;
using Federated.Shared.Privacy;
using Microsoft.Extensions.Logging;

namespace Federated.Coordinator.Privacy;

/// <summary>
/// The coordinator's side of differential privacy for one federation: what each round's tasks ask of
/// clients, the central-DP wrapper around the strategy's aggregator, the adaptive clip norm, and the
/// RDP accountant whose ε after every round goes into the round's metrics (<c>dp_epsilon</c> at
/// <c>dp_delta</c>, with <c>dp_noise_multiplier</c>, <c>dp_sampling_rate</c>, <c>dp_clip_norm</c>, …).
/// Accounting: each round is one Poisson-subsampled Gaussian release with q = clients selected /
/// clients available (the coordinator samples a fixed number without replacement; counting it as
/// Poisson sampling at the same rate is the usual approximation of DP-FedAvg, McMahan et al. 2018).
/// Local mode counts q = 1 per round: a client's worst case, picked every round, with nothing hidden
/// from the coordinator. Only rounds that released something count: a failed Central or Distributed
/// round published no aggregate; in Local mode every round in which updates arrived counts.
/// Used by the orchestrator's one round loop, one round at a time.
/// </summary>
public sealed partial class FederationPrivacy
{
    private readonly PrivacySettings _settings;
    private readonly FederationOptions _federation;
    private readonly RdpAccountant _accountant = new();
    private readonly GaussianNoise _noise;
    private readonly AdaptiveClipNorm? _adaptive;
    private readonly ILogger _logger;
    private double _samplingRate;
    private ClipTally? _central;

    public FederationPrivacy(FederationOptions federation, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(federation);
        ArgumentNullException.ThrowIfNull(logger);
        _federation = federation;
        _settings = federation.Privacy;
        _logger = logger;
        _noise = GaussianNoise.Create(_settings.NoiseSeed);
        if (Enabled && _settings.AdaptiveClipping)
            _adaptive = new AdaptiveClipNorm(_settings.ClipNorm, _settings.TargetQuantile, _settings.ClipLearningRate, CountNoiseOf(_settings, federation.ClientsPerRound));
    }

    public bool Enabled => _settings.Mode != PrivacyMode.None;

    /// <summary>The clip norm of the next round.</summary>
    public double ClipNorm => _adaptive?.ClipNorm ?? _settings.ClipNorm;

    /// <summary>σ_b of adaptive clipping: as configured, or clients per round / 20 (Andrew et al. 2021).</summary>
    internal static double CountNoiseOf(PrivacySettings settings, int clientsPerRound) => settings.ClipCountNoise ?? clientsPerRound / 20.0;

    /// <summary>Multiplier of the noise on the update sum: z, less what the clip count's noise already spends when clipping is adaptive.</summary>
    private double UpdateNoiseMultiplier => _adaptive is null
        ? _settings.NoiseMultiplier
        : AdaptiveClipNorm.UpdateNoiseMultiplier(_settings.NoiseMultiplier, _adaptive.CountNoiseStdDev);

    /// <summary>
    /// Replays the rounds a restarted coordinator already ran, from their stored metrics, so ε keeps
    /// counting and an adaptive clip norm resumes where it was.
    /// </summary>
    public void Restore(IEnumerable<RoundRecord> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        if (!Enabled) return;
        foreach (var record in rounds)
        {
            if (record.Metrics.TryGetValue("dp_counted", out double counted) && counted > 0
                && record.Metrics.TryGetValue("dp_sampling_rate", out double q)
                && record.Metrics.TryGetValue("dp_noise_multiplier", out double z))
                _accountant.Compose(q, z);
            if (_adaptive is not null && record.Metrics.TryGetValue("dp_next_clip_norm", out double next) && next > 0)
                _adaptive.Resume(next);
        }
    }

    /// <summary>Starts a training round: fixes its sampling rate and returns what its tasks ask of clients (null without DP).</summary>
    public TaskPrivacy? BeginRound(int selected, int available)
    {
        if (!Enabled) return null;
        _central = null;
        _samplingRate = _settings.Mode == PrivacyMode.Local || available <= 0 ? 1 : Math.Min(1, selected / (double)available);
        double z = _settings.NoiseMultiplier;
        return _settings.Mode switch
        {
            PrivacyMode.Local => new TaskPrivacy(PrivacyMode.Local, ClipNorm, z, z),
            // Shares sized for the fewest results a round may aggregate: fewer, and the round fails unreleased.
            PrivacyMode.Distributed => new TaskPrivacy(PrivacyMode.Distributed, ClipNorm, DistributedNoise.ShareMultiplier(z, Math.Max(1, _federation.MinResults)), z),
            _ => new TaskPrivacy(PrivacyMode.Central, ClipNorm, 0, z),
        };
    }

    /// <summary>In Central mode, wraps the strategy's aggregator in DP-FedAvg; otherwise returns it unchanged.</summary>
    public IAggregator Wrap(IAggregator aggregator, int modelLength, int selected)
    {
        ArgumentNullException.ThrowIfNull(aggregator);
        if (_settings.Mode != PrivacyMode.Central) return aggregator;
        var central = new CentralPrivacyAggregator(aggregator, modelLength, ClipNorm, UpdateNoiseMultiplier * ClipNorm, Math.Max(1, selected), _noise);
        _central = central.Tally;
        return central;
    }

    /// <summary>
    /// Ends a training round: counts it with the accountant when it released something, steps the
    /// adaptive clip norm, and adds the privacy metrics (ε so far among them) to <paramref name="metrics"/>.
    /// </summary>
    public void EndRound(long round, bool released, int results, Dictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (!Enabled) return;
        bool counted = _settings.Mode == PrivacyMode.Local ? results > 0 : released;
        if (counted) _accountant.Compose(_samplingRate, _settings.NoiseMultiplier);
        metrics["dp_clip_norm"] = ClipNorm;
        if (_central is { Updates: > 0 } central)
        {
            metrics["dp_within_clip_norm"] = central.WithinClipNorm;
            if (released && _adaptive is not null)
                metrics["dp_noised_within_fraction"] = _adaptive.Update(central.WithinClipNorm, central.Updates, _noise);
        }
        var spent = _accountant.GetPrivacySpent(_settings.Delta);
        metrics["dp_counted"] = counted ? 1 : 0;
        metrics["dp_sampling_rate"] = _samplingRate;
        metrics["dp_noise_multiplier"] = _settings.NoiseMultiplier;
        metrics["dp_next_clip_norm"] = ClipNorm;
        metrics["dp_epsilon"] = spent.Epsilon;
        metrics["dp_delta"] = spent.Delta;
        metrics["dp_rounds"] = _accountant.Steps;
        _central = null;
        LogPrivacySpent(round, _settings.Mode, spent.Epsilon, spent.Delta, _accountant.Steps);
    }

    [LoggerMessage(EventId = 9401, Level = LogLevel.Information, Message = "Round {Round} privacy ({Mode} DP): ε = {Epsilon:0.###} at δ = {Delta:G3} after {Rounds} counted rounds")]
    private partial void LogPrivacySpent(long round, PrivacyMode mode, double epsilon, double delta, long rounds);
}
