using Federated.Simulations.Partitioning;

namespace Federated.Tests.Simulations.Partitioning;

public sealed class SamplerTests
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(40.0)]
    public void Gamma_HasMeanAndVarianceEqualToShape(double shape)
    {
        var random = new Random(123);
        const int n = 200_000;
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++)
        {
            double x = Math.Exp(GammaSampler.SampleLog(shape, random));
            sum += x;
            squares += x * x;
        }
        double mean = sum / n;
        double variance = squares / n - mean * mean;

        // Standard error of the mean is √(shape/n); allow five of them, and 5% on the variance.
        Assert.InRange(mean, shape - 5 * Math.Sqrt(shape / n), shape + 5 * Math.Sqrt(shape / n));
        Assert.InRange(variance, shape * 0.95, shape * 1.05);
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.5)]
    [InlineData(1000.0)]
    public void Dirichlet_ProportionsAreFiniteAndSumToOne(double alpha)
    {
        var random = new Random(5);
        var p = new double[100];
        for (int draw = 0; draw < 100; draw++)
        {
            DirichletSampler.Sample(p, alpha, random);
            double sum = 0;
            foreach (double value in p)
            {
                Assert.True(value >= 0 && double.IsFinite(value));
                sum += value;
            }
            Assert.Equal(1.0, sum, 9);
        }
    }

    [Fact]
    public void Dirichlet_ComponentMeanIsOneOverCount()
    {
        var random = new Random(6);
        var p = new double[4];
        var sums = new double[4];
        const int draws = 50_000;
        for (int draw = 0; draw < draws; draw++)
        {
            DirichletSampler.Sample(p, 0.5, random);
            for (int i = 0; i < 4; i++) sums[i] += p[i];
        }

        Assert.All(sums, s => Assert.InRange(s / draws, 0.24, 0.26));
    }
}
