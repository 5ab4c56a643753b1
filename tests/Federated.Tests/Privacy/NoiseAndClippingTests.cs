using Federated.Shared.Privacy;

namespace Federated.Tests.Privacy;

/// <summary>
/// Clipping and Gaussian noise. The statistical checks allow 6 standard errors either way: for a
/// correct generator each fails with probability below 2·10⁻⁹ (normal approximation), so together
/// well under 10⁻⁸; with the fixed seeds they are also deterministic.
/// </summary>
public class NoiseAndClippingTests
{
    private const int Samples = 400_000;

    [Theory]
    [InlineData(0.7, 7L)]
    [InlineData(3.0, 11L)]
    public void Seeded_noise_has_the_configured_standard_deviation(double sigma, long seed)
    {
        var values = new float[Samples];
        new GaussianNoise(seed).AddTo(values, sigma);
        AssertStandardNormalTimes(values, sigma);
    }

    [Fact]
    public void Cryptographically_seeded_noise_has_the_configured_standard_deviation_and_differs_per_instance()
    {
        var a = new float[Samples];
        var b = new float[Samples];
        new GaussianNoise().AddTo(a, 1.3);
        new GaussianNoise().AddTo(b, 1.3);
        AssertStandardNormalTimes(a, 1.3);
        Assert.False(a.AsSpan().SequenceEqual(b));
    }

    [Fact]
    public void Same_seed_gives_the_same_noise()
    {
        var a = new float[1000];
        var b = new float[1000];
        new GaussianNoise(5).AddTo(a, 1);
        new GaussianNoise(5).AddTo(b, 1);
        Assert.True(a.AsSpan().SequenceEqual(b));
    }

    [Fact]
    public void Noise_is_added_to_the_values_already_there()
    {
        var values = Enumerable.Repeat(10f, Samples).ToArray();
        new GaussianNoise(3).AddTo(values, 0.5);
        double mean = values.Average(v => (double)v);
        Assert.InRange(mean, 10 - 6 * 0.5 / Math.Sqrt(Samples), 10 + 6 * 0.5 / Math.Sqrt(Samples));
    }

    [Fact]
    public void Shares_of_distributed_noise_sum_to_the_full_noise()
    {
        // 16 clients each add N(0, (zC/√16)²); the sum must carry N(0, (zC)²).
        const int clients = 16;
        const double z = 1.2, clip = 0.5;
        double share = DistributedNoise.ShareMultiplier(z, clients) * clip;
        var sum = new float[Samples];
        for (int k = 0; k < clients; k++)
        {
            var mine = new float[Samples];
            new GaussianNoise(100 + k).AddTo(mine, share);
            for (int i = 0; i < Samples; i++) sum[i] += mine[i];
        }
        AssertStandardNormalTimes(sum, z * clip);
    }

    [Fact]
    public void Clipping_scales_a_long_update_down_to_the_bound_and_keeps_its_direction()
    {
        float[] values = [3, 4, 0, 0]; // norm 5
        var outcome = L2Clipping.Clip(values, 2);
        Assert.True(outcome.Clipped);
        Assert.False(outcome.WithinBound);
        Assert.Equal(5, outcome.Norm, 6);
        double norm = L2Clipping.Norm(values);
        Assert.True(norm <= 2, $"norm {norm}");
        Assert.Equal(2, norm, 5);
        Assert.Equal(0.75, values[0] / values[1], 6);
    }

    [Fact]
    public void Clipping_leaves_a_short_update_alone()
    {
        float[] values = [0.3f, -0.4f];
        var outcome = L2Clipping.Clip(values, 2);
        Assert.False(outcome.Clipped);
        Assert.True(outcome.WithinBound);
        Assert.Equal([0.3f, -0.4f], values);
        Assert.Throws<ArgumentOutOfRangeException>(() => L2Clipping.Clip(values, 0));
        Assert.Throws<ArgumentException>(() => L2Clipping.Clip(new[] { 1f, float.PositiveInfinity }, 1));
    }

    [Fact]
    public void Clipped_norm_never_exceeds_the_bound_on_large_updates()
    {
        var random = new Random(9);
        var values = new float[1_199_882];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5);
        L2Clipping.Clip(values, 1.0);
        Assert.InRange(L2Clipping.Norm(values), 0.99999, 1.0);
    }

    /// <summary>Mean, variance and the share within one σ of N(0, σ²), each within 6 standard errors.</summary>
    private static void AssertStandardNormalTimes(float[] values, double sigma)
    {
        int n = values.Length;
        double mean = 0, sumSquares = 0;
        int withinOne = 0;
        foreach (float v in values)
        {
            mean += v;
            sumSquares += (double)v * v;
            if (Math.Abs(v) <= sigma) withinOne++;
        }
        mean /= n;
        double variance = sumSquares / n - mean * mean;
        Assert.InRange(mean, -6 * sigma / Math.Sqrt(n), 6 * sigma / Math.Sqrt(n));
        // Var(s²) ≈ 2σ⁴/n for Gaussian samples.
        Assert.InRange(variance / (sigma * sigma), 1 - 6 * Math.Sqrt(2.0 / n), 1 + 6 * Math.Sqrt(2.0 / n));
        // P(|X| ≤ σ) = erf(1/√2) = 0.682689…; a binomial proportion's standard error is √(p(1 − p)/n).
        const double p = 0.6826894921370859;
        Assert.InRange(withinOne / (double)n, p - 6 * Math.Sqrt(p * (1 - p) / n), p + 6 * Math.Sqrt(p * (1 - p) / n));
    }
}
