using Federated.Edge.Quantization;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Tests.Edge.Quantization;

public sealed class CalibrationTests
{
    // "input 1; linear 1 1": activation 0 is the calibration sample itself, so its range can be
    // checked against statistics computed here directly.
    private static readonly ModelArchitecture Scalar = ModelArchitecture.Parse("input 1; linear 1 1");

    [Fact]
    public void MinMax_IsTheSampleExtremes()
    {
        float[] sample = NormalWithOutliers(50_000, outliersPerSide: 5, seed: 1);

        ActivationRange[] ranges = ActivationCalibrator.Calibrate(Scalar, Identity(), sample, CalibrationOptions.MinMax);

        Assert.Equal(new ActivationRange(sample.Min(), sample.Max()), ranges[0]);
    }

    [Fact]
    public void Percentile_ClipsRareOutliers_AtTheEmpiricalPercentileOfEachTail()
    {
        float[] sample = NormalWithOutliers(200_000, outliersPerSide: 10, seed: 2);
        var options = new CalibrationOptions { Method = CalibrationMethod.Percentile, Percentile = 99.99, HistogramBins = 2048 };

        ActivationRange minMax = ActivationCalibrator.Calibrate(Scalar, Identity(), sample, CalibrationOptions.MinMax)[0];
        ActivationRange clipped = ActivationCalibrator.Calibrate(Scalar, Identity(), sample, options)[0];

        // 0.01 % of 200,020 values is 20 per tail: the 10 outliers on each side are cut off, and
        // each end lands within one histogram bin of the exact order statistic.
        float[] sorted = (float[])sample.Clone();
        Array.Sort(sorted);
        int tail = (int)(sorted.Length * (100 - options.Percentile) / 100);
        double binWidth = ((double)minMax.Max - minMax.Min) / options.HistogramBins;
        Assert.Equal(-30f, minMax.Min);
        Assert.Equal(50f, minMax.Max);
        Assert.InRange(clipped.Max, sorted[^(tail + 1)], sorted[^(tail + 1)] + binWidth * 1.001);
        Assert.InRange(clipped.Min, sorted[tail] - binWidth * 1.001, sorted[tail]);
        Assert.InRange(clipped.Max, 3.5f, 4.5f); // N(0, 1): the 99.995th percentile is 3.89
        Assert.InRange(clipped.Min, -4.5f, -3.5f);
    }

    [Fact]
    public void Percentile100_GivesTheMinMaxRanges()
    {
        ModelArchitecture mlp = ModelZoo.Mlp(inputFeatures: 20, classes: 4, hidden: 16);
        ParameterBuffer parameters = ParameterInitializer.Initialize(mlp, seed: 4);
        float[] sample = Int8EngineTests.RandomInputs(20 * 100, seed: 5);

        ActivationRange[] minMax = ActivationCalibrator.Calibrate(mlp, parameters, sample);
        ActivationRange[] all = ActivationCalibrator.Calibrate(mlp, parameters, sample, CalibrationOptions.PercentileOf(100));
        ActivationRange[] clipped = ActivationCalibrator.Calibrate(mlp, parameters, sample, CalibrationOptions.PercentileOf(99));

        Assert.Equal(minMax, all);
        for (int a = 0; a < minMax.Length; a++)
        {
            Assert.InRange(clipped[a].Min, minMax[a].Min, minMax[a].Max);
            Assert.InRange(clipped[a].Max, clipped[a].Min, minMax[a].Max);
        }
        Assert.True(clipped[0].Max < minMax[0].Max && clipped[0].Min > minMax[0].Min, "1 % of a uniform sample must be clipped from each end");
    }

    private static ParameterBuffer Identity()
    {
        var parameters = new ParameterBuffer(Scalar.Layout);
        parameters.Tensor("0.weight")[0] = 1f;
        return parameters;
    }

    /// <summary>Standard normal values (Box–Muller over a seeded generator), plus outliers at −30 and +50.</summary>
    private static float[] NormalWithOutliers(int count, int outliersPerSide, int seed)
    {
        var random = new Random(seed);
        var values = new float[count + 2 * outliersPerSide];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        for (int i = 0; i < outliersPerSide; i++)
        {
            values[count + i] = 50f;
            values[count + outliersPerSide + i] = -30f;
        }
        random.Shuffle(values);
        return values;
    }
}
