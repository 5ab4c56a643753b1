using Federated.Simulations.Partitioning;

namespace Federated.Tests.Simulations.Partitioning;

public sealed class QuantitySkewPartitionerTests
{
    [Fact]
    public void Sizes_VaryAndSumToTheTotal_LabelsStayMixed()
    {
        var data = PartitionTestData.FashionTrain;

        int[][] partition = new QuantitySkewPartitioner(0.5, 10).Partition(data, 10, seed: 8);
        var histogram = LabelHistogram.Compute(data, partition);

        Assert.Equal(data.Count, histogram.TotalExamples);
        Assert.True(histogram.MaxExamples > 2 * histogram.MinExamples, histogram.ToSummaryText());
        Assert.True(histogram.MinExamples >= 10);
        // IID within a client: large clients hold every label in about equal shares.
        for (int j = 0; j < histogram.ClientCount; j++)
        {
            if (histogram.Totals[j] >= 1000) Assert.True(histogram.DominantShare(j) < 0.15, histogram.ToSummaryText());
        }
    }

    [Fact]
    public void LargeAlpha_GivesNearEqualSizes()
    {
        var data = PartitionTestData.Balanced(perClass: 1000, classCount: 10);

        var histogram = LabelHistogram.Compute(data, new QuantitySkewPartitioner(10000, 0).Partition(data, 10, seed: 8));

        Assert.InRange(histogram.MinExamples, 950, 1000);
        Assert.InRange(histogram.MaxExamples, 1000, 1050);
    }

    [Fact]
    public void ImpossibleMinimum_FailsWithAClearMessage()
    {
        var data = PartitionTestData.Balanced(perClass: 10, classCount: 10);

        var error = Assert.Throws<ArgumentException>(() => new QuantitySkewPartitioner(0.001, 9).Partition(data, 10, seed: 1));

        Assert.Contains("quantity(0.001)", error.Message, StringComparison.Ordinal);
        Assert.Contains("incompatible", error.Message, StringComparison.Ordinal);
    }
}
