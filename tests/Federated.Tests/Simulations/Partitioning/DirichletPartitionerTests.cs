using Federated.Simulations.Partitioning;

namespace Federated.Tests.Simulations.Partitioning;

public sealed class DirichletPartitionerTests
{
    [Fact]
    public void LargeAlpha_IsCloseToIid()
    {
        var data = PartitionTestData.FashionTrain;

        var histogram = LabelHistogram.Compute(data, new DirichletPartitioner(1000, 10).Partition(data, 10, seed: 21));

        // Dir(1000) over 10 clients puts 0.1 ± 0.003 of each class on every client.
        for (int j = 0; j < histogram.ClientCount; j++)
        {
            ReadOnlySpan<int> counts = histogram.ClientCounts(j);
            foreach (int count in counts) Assert.InRange((double)count / histogram.Totals[j], 0.085, 0.115);
        }
        Assert.InRange(histogram.MinExamples, (int)(data.Count * 0.09), (int)(data.Count * 0.11));
    }

    [Fact]
    public void TinyAlpha_GivesEachClientOneDominantLabel()
    {
        var data = PartitionTestData.FashionTrain;

        var histogram = LabelHistogram.Compute(data, new DirichletPartitioner(0.01, 0).Partition(data, 10, seed: 21));

        // Dir(0.01) puts almost all of a class on one client; a client that draws two classes
        // holds two large labels, so the mean dominant share is high but below 1 (IID: 0.1).
        Assert.True(histogram.MeanDominantShare > 0.85, histogram.ToSummaryText());
        // Seen per class: on average the client holding most of a class holds nearly all of it.
        double largestShareSum = 0;
        for (int label = 0; label < histogram.ClassCount; label++)
        {
            int classTotal = 0, largest = 0;
            for (int j = 0; j < histogram.ClientCount; j++)
            {
                classTotal += histogram.Count(j, label);
                largest = Math.Max(largest, histogram.Count(j, label));
            }
            largestShareSum += (double)largest / classTotal;
        }
        Assert.True(largestShareSum / histogram.ClassCount > 0.85, $"mean largest-client share of a class: {largestShareSum / histogram.ClassCount:F3}");
    }

    [Fact]
    public void MinimumExamples_HoldsForEveryClient()
    {
        var data = PartitionTestData.FashionTrain;

        int[][] partition = new DirichletPartitioner(0.3, 20).Partition(data, 30, seed: 4);

        Assert.All(partition, client => Assert.True(client.Length >= 20, $"a client has {client.Length} examples"));
        PartitionTestData.AssertCoversExactlyOnce(partition, data.Count);
    }

    [Fact]
    public void ImpossibleMinimum_FailsWithAClearMessage()
    {
        var data = PartitionTestData.Balanced(perClass: 10, classCount: 10);

        var tooMany = Assert.Throws<ArgumentException>(() => new DirichletPartitioner(0.5, 20).Partition(data, 10, seed: 1));
        Assert.Contains("minExamplesPerClient 20", tooMany.Message, StringComparison.Ordinal);

        // Two classes of 50 could give 10 clients 10 each, but Dir(0.001) puts each class on about one client.
        var twoClasses = PartitionTestData.Balanced(perClass: 50, classCount: 2);
        var skewed = Assert.Throws<ArgumentException>(() => new DirichletPartitioner(0.001, 10).Partition(twoClasses, 10, seed: 1));
        Assert.Contains("incompatible", skewed.Message, StringComparison.Ordinal);
        Assert.Contains("1000 draws", skewed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void BadAlpha_IsRejected(double alpha)
    {
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new DirichletPartitioner(alpha, 1)).ParamName);
    }

    [Fact]
    public void NegativeMinimum_IsRejected()
    {
        Assert.Equal("minExamplesPerClient", Assert.Throws<ArgumentOutOfRangeException>(() => new DirichletPartitioner(1, -1)).ParamName);
    }

    [Fact]
    public void Name_ShowsAlpha()
    {
        Assert.Equal("dirichlet(0.5)", new DirichletPartitioner(0.5).Name);
    }
}
