namespace Federated.Shared.Privacy;

/// <summary>
/// Arithmetic on logarithms and the complementary error function, for the RDP accountant: its
/// terms span hundreds of orders of magnitude, so they are added and subtracted as logarithms.
/// </summary>
internal static class LogSpace
{
    /// <summary>log(e^a + e^b).</summary>
    public static double Add(double logA, double logB)
    {
        if (double.IsNegativeInfinity(logA)) return logB;
        if (double.IsNegativeInfinity(logB)) return logA;
        double high = Math.Max(logA, logB), low = Math.Min(logA, logB);
        return high + Math.Log(1 + Math.Exp(low - high));
    }

    /// <summary>log(e^a − e^b) for a ≥ b; −∞ when equal.</summary>
    /// <exception cref="ArgumentException">b &gt; a: the difference would be negative.</exception>
    public static double Subtract(double logA, double logB)
    {
        if (double.IsNegativeInfinity(logB)) return logA;
        if (logA < logB)
            throw new ArgumentException($"log-space subtraction would be negative (log a = {logA}, log b = {logB}).", nameof(logB));
        if (logA == logB) return double.NegativeInfinity;
        // log(e^a − e^b) = a + log(1 − e^(b−a)), with log1p-like care when b − a is tiny.
        double d = logB - logA;
        return logA + (d > -0.693 ? Math.Log(-ExpM1(d)) : Log1P(-Math.Exp(d)));
    }

    /// <summary>
    /// log(erfc(x)) with full relative accuracy for large x, where erfc underflows: for x ≥ 2 from the
    /// continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))) (Abramowitz &amp;
    /// Stegun 7.1.14), evaluated backwards; for |x| &lt; 2 from the Maclaurin series of erf (A&amp;S 7.1.5);
    /// for x ≤ −2 from erfc(x) = 2 − erfc(−x).
    /// </summary>
    public static double LogErfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x >= 2) return -x * x + Math.Log(ContinuedFraction(x) / Math.Sqrt(Math.PI));
        if (x <= -2) return Math.Log(2 - Math.Exp(-x * x) * ContinuedFraction(-x) / Math.Sqrt(Math.PI));
        return Math.Log(1 - ErfSeries(x));
    }

    private static double ContinuedFraction(double x)
    {
        // Backward evaluation from a deep tail: 200 levels converge to double precision for x ≥ 2.
        double t = x;
        for (int k = 200; k >= 1; k--) t = x + k / 2.0 / t;
        return 1 / t;
    }

    private static double ErfSeries(double x)
    {
        // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)); for |x| < 2 the terms fall below 1e-17 by n ≈ 40.
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 100; n++)
        {
            term *= -x2 / n;
            double next = term / (2 * n + 1);
            sum += next;
            if (Math.Abs(next) < 1e-17 * Math.Abs(sum)) break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;

    private static double Log1P(double x) => Math.Abs(x) < 1e-4 ? x - x * x / 2 + x * x * x / 3 : Math.Log(1 + x);
}
