namespace Federated.Shared.Privacy;

/// <summary>
/// The Rényi-DP of the Poisson-subsampled Gaussian mechanism (each participant is included with
/// probability q, the sum of clipped contributions gets N(0, (zC)²) noise): ε_α = log(A_α)/(α − 1),
/// with A_α = E_{x∼N(0,z²)}[((1 − q) + q·e^((2x − 1)/(2z²)))^α] (Mironov 2017, "Rényi Differential
/// Privacy"; Mironov, Talwar &amp; Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian
/// Mechanism", arXiv:1908.10530, Section 3). Integer orders use the binomial expansion (Section 3.2);
/// fractional orders the two convergent series with erfc terms (Section 3.3).
/// </summary>
public static class SubsampledGaussianRdp
{
    /// <summary>ε_α of one application of the mechanism; +∞ when no finite bound exists.</summary>
    /// <param name="samplingRate">q in [0, 1].</param>
    /// <param name="noiseMultiplier">z ≥ 0: the noise's standard deviation over the L2 sensitivity.</param>
    /// <param name="order">α &gt; 1 (may be +∞).</param>
    public static double Compute(double samplingRate, double noiseMultiplier, double order)
    {
        if (!(samplingRate is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "The sampling rate must be in [0, 1].");
        if (!(noiseMultiplier >= 0))
            throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "The noise multiplier must be >= 0.");
        if (!(order > 1))
            throw new ArgumentOutOfRangeException(nameof(order), order, "RDP orders must be greater than 1.");
        if (samplingRate == 0) return 0;
        if (noiseMultiplier == 0) return double.PositiveInfinity;
        if (samplingRate == 1) return order / (2 * noiseMultiplier * noiseMultiplier);
        if (double.IsPositiveInfinity(order)) return double.PositiveInfinity;
        double logA = Math.Floor(order) == order && order < int.MaxValue
            ? LogAIntegerOrder(samplingRate, noiseMultiplier, (int)order)
            : LogAFractionalOrder(samplingRate, noiseMultiplier, order);
        return logA / (order - 1);
    }

    /// <summary>log A_α = log Σ_k C(α,k) (1 − q)^(α−k) q^k e^((k² − k)/(2z²)) for integer α (all terms positive).</summary>
    private static double LogAIntegerOrder(double q, double z, int alpha)
    {
        double logA = double.NegativeInfinity;
        double logBinomial = 0; // log C(α, 0)
        double logQ = Math.Log(q), log1MinusQ = Math.Log(1 - q);
        for (int k = 0; k <= alpha; k++)
        {
            if (k > 0) logBinomial += Math.Log(alpha - k + 1) - Math.Log(k);
            double term = logBinomial + k * logQ + (alpha - k) * log1MinusQ + (k * (double)k - k) / (2 * z * z);
            logA = LogSpace.Add(logA, term);
        }
        return logA;
    }

    /// <summary>
    /// log A_α for fractional α: A_α = A₀ + A₁, two series over i ≥ 0 split at z₀ = z² log(1/q − 1) + ½,
    /// each term a generalised binomial coefficient C(α, i) (whose sign alternates once i &gt; α) times a
    /// Gaussian moment restricted to one side of z₀, which is where erfc enters. Both series converge
    /// (the paper's Section 3.3); the sum stops once past i = α both new terms are below e^(−30), which no
    /// longer moves A_α ≥ 1 in double precision.
    /// </summary>
    private static double LogAFractionalOrder(double q, double z, double alpha)
    {
        double logA0 = double.NegativeInfinity, logA1 = double.NegativeInfinity;
        double z0 = z * z * Math.Log(1 / q - 1) + 0.5;
        double logQ = Math.Log(q), log1MinusQ = Math.Log(1 - q);
        double logAbsBinomial = 0; // log |C(α, 0)|
        bool positive = true;
        for (int i = 0; i < 100_000; i++)
        {
            if (i > 0)
            {
                // C(α, i) = C(α, i−1) · (α − i + 1) / i.
                double factor = (alpha - i + 1) / i;
                if (factor < 0) positive = !positive;
                logAbsBinomial += Math.Log(Math.Abs(factor));
            }
            double j = alpha - i;
            double logT0 = logAbsBinomial + i * logQ + j * log1MinusQ;
            double logT1 = logAbsBinomial + j * logQ + i * log1MinusQ;
            double logE0 = Math.Log(0.5) + LogSpace.LogErfc((i - z0) / (Math.Sqrt(2) * z));
            double logE1 = Math.Log(0.5) + LogSpace.LogErfc((z0 - j) / (Math.Sqrt(2) * z));
            double logS0 = logT0 + (i * (double)i - i) / (2 * z * z) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * z * z) + logE1;
            if (positive)
            {
                logA0 = LogSpace.Add(logA0, logS0);
                logA1 = LogSpace.Add(logA1, logS1);
            }
            else
            {
                logA0 = LogSpace.Subtract(logA0, logS0);
                logA1 = LogSpace.Subtract(logA1, logS1);
            }
            if (i > alpha && Math.Max(logS0, logS1) < -30) break;
        }
        return LogSpace.Add(logA0, logA1);
    }
}
