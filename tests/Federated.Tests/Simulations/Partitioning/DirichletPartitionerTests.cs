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

        // 50 clients for 10 classes: Dir(0.01) puts nearly all of a class on one client, and few
        // clients draw two classes. Seen over seeds 1–12 on both the full set and the subset, the
        // mean dominant share stays in 0.87–0.96; IID would give about 0.1.
        var skewed = LabelHistogram.Compute(data, new DirichletPartitioner(0.01, 0).Partition(data, 50, seed: 21));
        var iid = LabelHistogram.Compute(data, new DirichletPartitioner(1000, 0).Partition(data, 50, seed: 21));

        Assert.True(skewed.MeanDominantShare > 0.8, skewed.ToSummaryText());
        Assert.True(iid.MeanDominantShare < 0.2, iid.ToSummaryText());
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
