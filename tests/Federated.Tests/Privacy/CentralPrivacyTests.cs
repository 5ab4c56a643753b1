using Federated.Coordinator.Options;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Privacy;
using Federated.Coordinator.Strategies;
using Federated.Shared.Parameters;
using Federated.Shared.Privacy;
using Microsoft.Extensions.Logging.Abstractions;

namespace Federated.Tests.Privacy;

/// <summary>The coordinator's side: DP-FedAvg aggregation, what tasks ask of clients, and ε per round.</summary>
public class CentralPrivacyTests
{
    private static FederationOptions Options(PrivacyMode mode, double z = 1, double clip = 1, bool adaptive = false, bool secure = false) => new()
    {
        ClientsPerRound = 4,
        MinResults = 3,
        SecureAggregation = { Enabled = secure },
        Privacy = new PrivacySettings { Mode = mode, NoiseMultiplier = z, ClipNorm = clip, AdaptiveClipping = adaptive, NoiseSeed = 5 },
    };

    [Fact]
    public void Dp_fedavg_clips_each_update_and_weighs_all_alike_over_the_selected_count()
    {
        var layout = new ParameterLayout([new TensorSpec("w", 3)]);
        var global = new ParameterBuffer(layout);
        global.Values[0] = 1;
        // No noise: the mean of clipped updates over the 4 selected clients, whatever the example counts.
        var aggregator = new CentralPrivacyAggregator(new FedAvgAggregator(global), 3, clipNorm: 1, noiseStdDev: 0, denominator: 4, new GaussianNoise(1));
        aggregator.Accumulate([3, 4, 0], 1000);      // norm 5 → (0.6, 0.8, 0)
        aggregator.Accumulate([0, 0, 0.5f], 1);      // within the bound, kept
        aggregator.Accumulate([0, -2, 0], 50);       // norm 2 → (0, -1, 0)
        var next = aggregator.Finish();
        Assert.Equal(3, aggregator.Count);
        Assert.Equal(2, aggregator.Tally.Updates - aggregator.Tally.WithinClipNorm);
        Assert.Equal(1 + 0.6 / 4, next.Values[0], 5);
        Assert.Equal((0.8 - 1) / 4, next.Values[1], 5);
        Assert.Equal(0.5 / 4, next.Values[2], 5);
    }

    [Fact]
    public void Noise_on_the_aggregate_has_standard_deviation_z_times_c_over_the_selected_count()
    {
        // Var of the sample variance ≈ 2σ⁴/n; 6 standard errors: false failure below 2·10⁻⁹ (and the seed is fixed).
        const int length = 300_000;
        const double z = 1.5, clip = 2, selected = 4;
        var global = new ParameterBuffer(new ParameterLayout([new TensorSpec("w", length)]));
        var aggregator = new CentralPrivacyAggregator(new FedAvgAggregator(global), length, clip, z * clip, (int)selected, new GaussianNoise(3));
        for (int k = 0; k < 3; k++) aggregator.Accumulate(new float[length], 10);
        var next = aggregator.Finish();
        double sigma = z * clip / selected, sumSquares = 0;
        foreach (float v in next.Values) sumSquares += (double)v * v;
        Assert.InRange(sumSquares / length / (sigma * sigma), 1 - 6 * Math.Sqrt(2.0 / length), 1 + 6 * Math.Sqrt(2.0 / length));
    }

    [Fact]
    public void Epsilon_after_every_round_is_the_accountants_for_the_rounds_sampling_rate()
    {
        var privacy = new FederationPrivacy(Options(PrivacyMode.Central, z: 1.1), NullLogger.Instance);
        var reference = new RdpAccountant();
        double previous = 0;
        for (int round = 1; round <= 3; round++)
        {
            var task = privacy.BeginRound(selected: 4, available: 40)!;
            Assert.Equal(new TaskPrivacy(PrivacyMode.Central, 1, 0, 1.1), task);
            var metrics = new Dictionary<string, double>();
            privacy.EndRound(round, released: true, results: 4, metrics);
            reference.Compose(0.1, 1.1);
            Assert.Equal(reference.GetPrivacySpent(1e-5).Epsilon, metrics["dp_epsilon"], 12);
            Assert.Equal(0.1, metrics["dp_sampling_rate"], 12);
            Assert.Equal(1e-5, metrics["dp_delta"]);
            Assert.True(metrics["dp_epsilon"] > previous);
            previous = metrics["dp_epsilon"];
        }
    }

    [Fact]
    public void A_failed_round_released_nothing_and_costs_nothing()
    {
        var privacy = new FederationPrivacy(Options(PrivacyMode.Central), NullLogger.Instance);
        privacy.BeginRound(4, 40);
        var metrics = new Dictionary<string, double>();
        privacy.EndRound(1, released: false, results: 1, metrics);
        Assert.Equal(0, metrics["dp_epsilon"]);
        Assert.Equal(0, metrics["dp_counted"]);
    }

    [Fact]
    public void A_restarted_coordinator_keeps_counting_from_the_stored_rounds()
    {
        var first = new FederationPrivacy(Options(PrivacyMode.Central), NullLogger.Instance);
        var records = new List<RoundRecord>();
        var last = new Dictionary<string, double>();
        for (int round = 1; round <= 2; round++)
        {
            first.BeginRound(4, 20);
            last = [];
            first.EndRound(round, true, 4, last);
            records.Add(new RoundRecord(round, RoundStatus.Completed, "in", "out", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, last));
        }
        var resumed = new FederationPrivacy(Options(PrivacyMode.Central), NullLogger.Instance);
        resumed.Restore(records);
        resumed.BeginRound(4, 20);
        var third = new Dictionary<string, double>();
        resumed.EndRound(3, true, 4, third);
        var reference = new RdpAccountant();
        reference.Compose(0.2, 1, 3);
        Assert.Equal(reference.GetPrivacySpent(1e-5).Epsilon, third["dp_epsilon"], 12);
        Assert.True(third["dp_epsilon"] > last["dp_epsilon"]);
    }

    [Fact]
    public void Local_dp_asks_clients_for_all_the_noise_and_counts_every_round_in_full()
    {
        var privacy = new FederationPrivacy(Options(PrivacyMode.Local, z: 2, clip: 0.5), NullLogger.Instance);
        Assert.Equal(new TaskPrivacy(PrivacyMode.Local, 0.5, 2, 2), privacy.BeginRound(4, 40));
        var metrics = new Dictionary<string, double>();
        privacy.EndRound(1, released: false, results: 2, metrics);
        Assert.Equal(1, metrics["dp_sampling_rate"]);
        var reference = new RdpAccountant();
        reference.Compose(1, 2);
        Assert.Equal(reference.GetPrivacySpent(1e-5).Epsilon, metrics["dp_epsilon"], 12);
    }

    [Fact]
    public void Distributed_dp_shares_are_sized_for_the_fewest_results_a_round_may_aggregate()
    {
        var privacy = new FederationPrivacy(Options(PrivacyMode.Distributed, z: 1.2, secure: true), NullLogger.Instance);
        var task = privacy.BeginRound(4, 40)!;
        Assert.Equal(PrivacyMode.Distributed, task.Mode);
        // MinResults = 3: three shares of z/√3 already carry z.
        Assert.Equal(1.2 / Math.Sqrt(3), task.ClientNoiseMultiplier, 12);
        Assert.Equal(1.2, task.NoiseMultiplier);
    }

    [Fact]
    public void Adaptive_clipping_moves_the_next_rounds_clip_norm_and_tasks_carry_it()
    {
        var options = Options(PrivacyMode.Central, z: 1, clip: 1, adaptive: true);
        options.Privacy.ClipCountNoise = 1;
        var privacy = new FederationPrivacy(options, NullLogger.Instance);
        var global = new ParameterBuffer(new ParameterLayout([new TensorSpec("w", 2)]));
        privacy.BeginRound(4, 40);
        var aggregator = privacy.Wrap(new FedAvgAggregator(global), 2, 4);
        // Every update far beyond the bound: the clip norm must grow (toward the median norm).
        for (int k = 0; k < 4; k++) aggregator.Accumulate([30, 40], 1);
        aggregator.Finish();
        var metrics = new Dictionary<string, double>();
        privacy.EndRound(1, true, 4, metrics);
        Assert.Equal(1, metrics["dp_clip_norm"]);
        Assert.Equal(0, metrics["dp_within_clip_norm"]);
        Assert.True(privacy.ClipNorm > 1, $"clip norm {privacy.ClipNorm}");
        Assert.Equal(privacy.ClipNorm, privacy.BeginRound(4, 40)!.ClipNorm);
    }

    [Theory]
    [InlineData(PrivacyMode.Central, true, "Federation:SecureAggregation:Enabled")]
    [InlineData(PrivacyMode.Distributed, false, "Federation:SecureAggregation:Enabled")]
    public void Conflicting_settings_are_refused_naming_both_keys(PrivacyMode mode, bool secure, string otherKey)
    {
        var result = new FederationOptionsValidator().Validate(null, Options(mode, secure: secure));
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Federation:Privacy:Mode", StringComparison.Ordinal) && f.Contains(otherKey, StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_numbers_are_refused_naming_their_key()
    {
        var options = Options(PrivacyMode.Central, z: -1, clip: 0);
        options.Privacy.Delta = 2;
        var failures = new FederationOptionsValidator().Validate(null, options).Failures!;
        foreach (string key in new[] { "NoiseMultiplier", "ClipNorm", "Delta" })
            Assert.Contains(failures, f => f.Contains("Federation:Privacy:" + key, StringComparison.Ordinal));
        // The count noise of adaptive clipping must leave the updates some of the budget (σ_b > z/2).
        var adaptive = Options(PrivacyMode.Central, z: 1, adaptive: true);
        adaptive.Privacy.ClipCountNoise = 0.4;
        Assert.Contains(new FederationOptionsValidator().Validate(null, adaptive).Failures!, f => f.Contains("Federation:Privacy:ClipCountNoise", StringComparison.Ordinal));
        Assert.True(new FederationOptionsValidator().Validate(null, Options(PrivacyMode.Central)).Succeeded);
    }
}
