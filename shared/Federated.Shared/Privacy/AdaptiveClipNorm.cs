namespace Federated.Shared.Privacy;

/// <summary>
/// Adaptive clipping (Andrew, Thakkar, McMahan &amp; Ramaswamy 2021, "Differentially Private Learning
/// with Adaptive Clipping", NeurIPS): the clip norm follows a target quantile γ of the update norms.
/// After each round, with b̃ the noised fraction of updates that were within the bound,
/// C ← C · exp(−η (b̃ − γ)) (their geometric update). The count gets N(0, σ_b²) noise; that release
/// and the update's own noise together cost what one Gaussian mechanism with multiplier
/// z = (z_Δ⁻² + (2σ_b)⁻²)^(−½) costs (their Theorem 1), so <see cref="UpdateNoiseMultiplier"/> gives the
/// z_Δ to put on updates for the z the accountant counts.
/// </summary>
public sealed class AdaptiveClipNorm
{
    /// <param name="initialClipNorm">C before the first round.</param>
    /// <param name="targetQuantile">γ in [0, 1]: the fraction of updates that should fit within C (0.5 = the median).</param>
    /// <param name="learningRate">η &gt; 0 of the geometric update (the paper uses 0.2).</param>
    /// <param name="countNoiseStdDev">σ_b ≥ 0 of the noise on the count of updates within the bound (the paper: expected clients per round / 20).</param>
    public AdaptiveClipNorm(double initialClipNorm, double targetQuantile, double learningRate, double countNoiseStdDev)
    {
        if (!(initialClipNorm > 0) || !double.IsFinite(initialClipNorm))
            throw new ArgumentOutOfRangeException(nameof(initialClipNorm), initialClipNorm, "The initial clip norm must be a positive finite number.");
        if (!(targetQuantile is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(targetQuantile), targetQuantile, "The target quantile must be in [0, 1].");
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The clip learning rate must be a positive finite number.");
        if (!(countNoiseStdDev >= 0) || !double.IsFinite(countNoiseStdDev))
            throw new ArgumentOutOfRangeException(nameof(countNoiseStdDev), countNoiseStdDev, "The count noise must be a finite number >= 0.");
        ClipNorm = initialClipNorm;
        TargetQuantile = targetQuantile;
        LearningRate = learningRate;
        CountNoiseStdDev = countNoiseStdDev;
    }

    /// <summary>C for the next round.</summary>
    public double ClipNorm { get; private set; }

    public double TargetQuantile { get; }

    public double LearningRate { get; }

    public double CountNoiseStdDev { get; }

    /// <summary>Moves C after a round in which <paramref name="withinBound"/> of <paramref name="participants"/> updates had norm ≤ C.</summary>
    /// <returns>The noised fraction b̃ that drove the step (clamped to [0, 1] only for reporting; the step uses it unclamped, as the paper does).</returns>
    public double Update(int withinBound, int participants, GaussianNoise noise)
    {
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(participants);
        if (withinBound < 0 || withinBound > participants)
            throw new ArgumentOutOfRangeException(nameof(withinBound), withinBound, $"Between 0 and the {participants} participants.");
        double fraction = (withinBound + CountNoiseStdDev * noise.NextStandard()) / participants;
        ClipNorm *= Math.Exp(-LearningRate * (fraction - TargetQuantile));
        return Math.Clamp(fraction, 0, 1);
    }

    /// <summary>Continues from a clip norm reached earlier (a restarted coordinator replaying its rounds).</summary>
    public void Resume(double clipNorm)
    {
        if (!(clipNorm > 0) || !double.IsFinite(clipNorm))
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be a positive finite number.");
        ClipNorm = clipNorm;
    }

    /// <summary>
    /// z_Δ such that the update noise and the count noise σ_b together cost multiplier <paramref name="noiseMultiplier"/>
    /// (Andrew et al. 2021, Theorem 1): z_Δ = (z⁻² − (2σ_b)⁻²)^(−½). σ_b = 0 means no count noise is spent, z_Δ = z.
    /// </summary>
    /// <exception cref="ArgumentException">σ_b ≤ z/2: the count alone would spend the whole budget.</exception>
    public static double UpdateNoiseMultiplier(double noiseMultiplier, double countNoiseStdDev)
    {
        if (countNoiseStdDev == 0) return noiseMultiplier;
        double rest = 1 / (noiseMultiplier * noiseMultiplier) - 1 / (4 * countNoiseStdDev * countNoiseStdDev);
        if (!(rest > 0))
            throw new ArgumentException($"The clip count noise {countNoiseStdDev} must exceed half the noise multiplier {noiseMultiplier}: the count alone would spend the whole privacy budget.", nameof(countNoiseStdDev));
        return 1 / Math.Sqrt(rest);
    }
}
