namespace Federated.Simulations.Partitioning;

/// <summary>
/// Cut points that split <c>total</c> items by proportions: cut j+1 = ⌊total · (p₀ + … + p_j)⌋,
/// the last cut forced to <c>total</c>, as NIID-Bench does with <c>cumsum(p)·n</c> (Li et al. 2021).
/// </summary>
internal static class ProportionalSplit
{
    /// <summary>Fills <paramref name="cuts"/> (one longer than <paramref name="proportions"/>) with non-decreasing cuts from 0 to <paramref name="total"/>.</summary>
    public static void Cuts(ReadOnlySpan<double> proportions, int total, Span<int> cuts)
    {
        cuts[0] = 0;
        double cumulative = 0;
        for (int j = 0; j < proportions.Length; j++)
        {
            cumulative += proportions[j];
            cuts[j + 1] = (int)Math.Min(total, Math.Floor(cumulative * total));
        }
        cuts[proportions.Length] = total;
    }

    /// <summary>The smallest gap between consecutive cuts (the smallest part).</summary>
    public static int SmallestPart(ReadOnlySpan<int> cuts)
    {
        int smallest = int.MaxValue;
        for (int j = 0; j + 1 < cuts.Length; j++) smallest = Math.Min(smallest, cuts[j + 1] - cuts[j]);
        return smallest;
    }
}
