namespace Federated.Tests.SecureAggregation;

/// <summary>Pearson's chi-square statistic of observed counts against a uniform expectation.</summary>
internal static class ChiSquare
{
    /// <summary>For 255 degrees of freedom: 0.1 % upper critical value 330.5, 0.1 % lower 190.9 (tables).</summary>
    public const double Upper255 = 330.5;
    public const double Lower255 = 190.9;

    public static double Statistic(ReadOnlySpan<long> counts)
    {
        long total = 0;
        foreach (long c in counts) total += c;
        double expected = (double)total / counts.Length;
        double statistic = 0;
        foreach (long c in counts) statistic += (c - expected) * (c - expected) / expected;
        return statistic;
    }
}
