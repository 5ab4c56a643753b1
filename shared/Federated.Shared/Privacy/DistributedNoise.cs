namespace Federated.Shared.Privacy;

/// <summary>
/// Distributed DP with secure aggregation: each client adds its share of the noise before masking, so
/// the sum the coordinator unmasks carries N(0, (zC)²) although no single party added it all (the
/// approach of Kairouz, Liu &amp; Steinke 2021, "The Distributed Discrete Gaussian Mechanism", with
/// continuous Gaussians). Independent Gaussians add their variances: n shares of standard deviation
/// zC/√n sum to zC. Shares are sized for the fewest clients the sum can hold (the secure-aggregation
/// threshold), so dropouts down to it never leave the sum with less than the full noise.
/// </summary>
public static class DistributedNoise
{
    /// <summary>The noise multiplier each of at least <paramref name="minimumContributors"/> clients applies: z/√n.</summary>
    public static double ShareMultiplier(double noiseMultiplier, int minimumContributors)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumContributors);
        if (!(noiseMultiplier >= 0)) throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "The noise multiplier must be >= 0.");
        return noiseMultiplier / Math.Sqrt(minimumContributors);
    }
}
