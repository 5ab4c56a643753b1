namespace Federated.Simulations.Partitioning;

/// <summary>
/// Gamma(shape, 1) variates by Marsaglia and Tsang, "A simple method for generating gamma
/// variables", ACM TOMS 26(3), 2000: squeeze-and-reject on (1 + c·x)³ with x standard normal
/// for shape ≥ 1, and for shape &lt; 1 the paper's boost X = Y·U^(1/shape) with Y ~ Gamma(shape + 1).
/// Returned as a natural logarithm: with shape 0.01, U^100 underflows to 0 in doubles, and a
/// Dirichlet draw made of zeros has no proportions.
/// </summary>
internal static class GammaSampler
{
    /// <summary>ln X for X ~ Gamma(<paramref name="shape"/>, 1).</summary>
    public static double SampleLog(double shape, Random random)
    {
        if (shape < 1)
            return SampleLogShapeAtLeastOne(shape + 1, random) + Math.Log(UniformOpenZero(random)) / shape;
        return SampleLogShapeAtLeastOne(shape, random);
    }

    private static double SampleLogShapeAtLeastOne(double shape, Random random)
    {
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(random);
                v = 1.0 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = UniformOpenZero(random);
            double x2 = x * x;
            // The squeeze accepts ~98% without a logarithm; the full test decides the rest.
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v)))
                return Math.Log(d) + Math.Log(v);
        }
    }

    /// <summary>Box and Muller (1958): √(−2 ln u₁)·cos(2π u₂) is standard normal.</summary>
    private static double StandardNormal(Random random)
    {
        double u1 = UniformOpenZero(random);
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Uniform on (0, 1], so its logarithm is finite.</summary>
    private static double UniformOpenZero(Random random) => 1.0 - random.NextDouble();
}
