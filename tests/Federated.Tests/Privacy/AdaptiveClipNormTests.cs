using Federated.Shared.Privacy;

namespace Federated.Tests.Privacy;

public class AdaptiveClipNormTests
{
    [Theory]
    [InlineData(0.5, 0.1)]
    [InlineData(0.9, 10.0)]
    public void Clip_norm_tracks_the_target_quantile_of_update_norms(double quantile, double initial)
    {
        // Norms uniform on [0, 8]: the γ-quantile is 8γ. Andrew et al.'s settings: η = 0.2, σ_b = m/20.
        const int perRound = 100;
        var clip = new AdaptiveClipNorm(initial, quantile, 0.2, perRound / 20.0);
        var noise = new GaussianNoise(17);
        var random = new Random(23);
        double late = 0;
        for (int round = 0; round < 400; round++)
        {
            int within = 0;
            for (int k = 0; k < perRound; k++) if (random.NextDouble() * 8 <= clip.ClipNorm) within++;
            clip.Update(within, perRound, noise);
            if (round >= 300) late += clip.ClipNorm / 100;
        }
        Assert.InRange(late, 8 * quantile * 0.93, 8 * quantile * 1.07);
    }

    [Fact]
    public void All_updates_within_the_bound_shrink_it_geometrically()
    {
        var clip = new AdaptiveClipNorm(1, 0.5, 0.2, 0);
        clip.Update(10, 10, new GaussianNoise(1));
        Assert.Equal(Math.Exp(-0.2 * 0.5), clip.ClipNorm, 12);
        clip.Update(0, 10, new GaussianNoise(1));
        Assert.Equal(1, clip.ClipNorm, 12);
    }

    [Fact]
    public void Count_noise_takes_its_share_of_the_noise_multiplier()
    {
        // Andrew et al. 2021, Theorem 1: z = (z_Δ⁻² + (2σ_b)⁻²)^(−½). z = 1, σ_b = 5 → z_Δ = (1 − 1/100)^(−½).
        double zDelta = AdaptiveClipNorm.UpdateNoiseMultiplier(1, 5);
        Assert.Equal(1 / Math.Sqrt(0.99), zDelta, 12);
        Assert.Equal(1, Math.Pow(Math.Pow(zDelta, -2) + Math.Pow(2 * 5, -2), -0.5), 12);
        Assert.Equal(1.3, AdaptiveClipNorm.UpdateNoiseMultiplier(1.3, 0));
        Assert.Contains("half the noise multiplier", Assert.Throws<ArgumentException>(() => AdaptiveClipNorm.UpdateNoiseMultiplier(1, 0.5)).Message);
    }
}
