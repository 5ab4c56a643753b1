using Federated.Client.Privacy;
using Federated.Protocol;
using Federated.Shared.Parameters;
using Federated.Shared.Privacy;
using Federated.Shared.Training;

namespace Federated.Tests.Privacy;

/// <summary>The client's clip-and-noise step on a trained update, as the task's PrivacySpec asks.</summary>
public class ClientPrivacyTests
{
    private const int Length = 300_000;

    private static FitOutcome Fit(float fill, long examples = 250)
    {
        var delta = new ParameterBuffer(new ParameterLayout([new TensorSpec("w", Length)]));
        delta.Values.Fill(fill);
        return new FitOutcome(delta, examples, new Dictionary<string, double>());
    }

    [Fact]
    public void Local_dp_clips_then_adds_the_whole_noise_and_keeps_the_example_weight()
    {
        var fit = Fit(1); // norm √300000 ≈ 548, far above the bound
        var spec = new PrivacySpec { Mode = PrivacyMode.Local, ClipNorm = 2, ClientNoiseMultiplier = 0.8, NoiseMultiplier = 0.8 };
        var result = new UpdatePrivacy(seed: 1).Apply(spec, fit, masked: false, out bool within);
        Assert.False(within);
        Assert.Equal(250, result.ExampleCount);
        // Clipped, each value is 2/√n; the noise on top has σ = 0.8·2. 6 standard errors (false failure < 2·10⁻⁹).
        double clipped = 2 / Math.Sqrt(Length), sigma = 1.6, sumSquares = 0;
        foreach (float v in result.Delta.Values) sumSquares += (v - clipped) * (double)(v - clipped);
        Assert.InRange(sumSquares / Length / (sigma * sigma), 1 - 6 * Math.Sqrt(2.0 / Length), 1 + 6 * Math.Sqrt(2.0 / Length));
    }

    [Fact]
    public void Central_dp_only_clips_and_counts_the_update_with_weight_one()
    {
        var spec = new PrivacySpec { Mode = PrivacyMode.Central, ClipNorm = 1, NoiseMultiplier = 1 };
        var result = new UpdatePrivacy(seed: 1).Apply(spec, Fit(1), masked: false, out bool within);
        Assert.False(within);
        Assert.Equal(1, result.ExampleCount);
        Assert.Equal(1, L2Clipping.Norm(result.Delta.Values), 4);
        Assert.All(result.Delta.Values.ToArray(), v => Assert.Equal(1 / Math.Sqrt(Length), v, 5));
    }

    [Fact]
    public void Distributed_shares_from_many_clients_sum_to_the_full_noise()
    {
        // 9 clients, z = 1.5 shared as z/√9 each: the sum of their (zero, so unclipped) updates carries σ = z·C.
        const int clients = 9;
        const double z = 1.5, clip = 0.5;
        var spec = new PrivacySpec { Mode = PrivacyMode.Distributed, ClipNorm = clip, ClientNoiseMultiplier = DistributedNoise.ShareMultiplier(z, clients), NoiseMultiplier = z };
        var sum = new double[Length];
        for (int k = 0; k < clients; k++)
        {
            var result = new UpdatePrivacy(seed: 40 + k).Apply(spec, Fit(0), masked: true, out bool within);
            Assert.True(within);
            Assert.Equal(1, result.ExampleCount);
            for (int i = 0; i < Length; i++) sum[i] += result.Delta.Values[i];
        }
        double sigma = z * clip, sumSquares = sum.Sum(v => v * v);
        Assert.InRange(sumSquares / Length / (sigma * sigma), 1 - 6 * Math.Sqrt(2.0 / Length), 1 + 6 * Math.Sqrt(2.0 / Length));
    }

    [Fact]
    public void No_spec_leaves_the_update_untouched()
    {
        var fit = Fit(3);
        Assert.Same(fit, new UpdatePrivacy().Apply(null, fit, masked: false, out _));
        Assert.Same(fit, new UpdatePrivacy().Apply(new PrivacySpec(), fit, masked: false, out _));
        Assert.All(fit.Delta.Values.ToArray(), v => Assert.Equal(3f, v));
    }

    [Fact]
    public void An_unusable_spec_fails_the_task_with_a_reason()
    {
        var error = Assert.Throws<InvalidDataException>(() => new UpdatePrivacy().Apply(new PrivacySpec { Mode = PrivacyMode.Local, ClipNorm = 0 }, Fit(1), masked: false, out _));
        Assert.Contains("clip_norm", error.Message, StringComparison.Ordinal);
        var unmasked = Assert.Throws<InvalidDataException>(() => new UpdatePrivacy().Apply(
            new PrivacySpec { Mode = PrivacyMode.Distributed, ClipNorm = 1, ClientNoiseMultiplier = 0.5 }, Fit(1), masked: false, out _));
        Assert.Contains("without secure aggregation", unmasked.Message, StringComparison.Ordinal);
    }
}
