namespace Federated.Simulations.Partitioning;

/// <summary>
/// Symmetric Dirichlet(α, …, α) draws as normalised Gamma(α, 1) variates, normalised in log
/// space (subtract the largest logarithm before exponentiating) so tiny α stays well defined.
/// </summary>
internal static class DirichletSampler
{
    /// <summary>Fills <paramref name="proportions"/> with one draw; the values are ≥ 0 and sum to 1.</summary>
    public static void Sample(Span<double> proportions, double alpha, Random random)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < proportions.Length; i++)
        {
            double log = GammaSampler.SampleLog(alpha, random);
            proportions[i] = log;
            if (log > max) max = log;
        }
        double sum = 0;
        for (int i = 0; i < proportions.Length; i++)
        {
            double value = Math.Exp(proportions[i] - max);
            proportions[i] = value;
            sum += value;
        }
        double scale = 1.0 / sum;
        for (int i = 0; i < proportions.Length; i++) proportions[i] *= scale;
    }
}
