using Federated.Simulations.Partitioning;

namespace Federated.Tests.Simulations.Partitioning;

public sealed class ShardPartitionerTests
{
    [Fact]
    public void RealFashionMnist_100ClientsTwoShards_AtMostTwoLabelsEqualSizes()
    {
        var data = PartitionTestData.FashionTrain;

        int[][] partition = new ShardPartitioner(2).Partition(data, 100, seed: 17);
        var histogram = LabelHistogram.Compute(data, partition);

        Assert.Equal(2, histogram.MaxDistinctLabels);
        Assert.True(histogram.MinDistinctLabels >= 1);
        Assert.Equal(data.Count / 100, histogram.MinExamples);
        Assert.Equal(data.Count / 100, histogram.MaxExamples);
        // Most clients get two different labels: 200 shards of 10 labels drawn at random.
        Assert.True(histogram.MeanDistinctLabels > 1.7, histogram.ToSummaryText());
    }

    [Fact]
    public void Shards_AreCutFromTheStableLabelSort()
    {
        // Labels 1,0,1,0,2,2 sort (ties by index) to 1,3 | 0,2 | 4,5: one client per shard, one label each.
        var data = PartitionTestData.WithLabels([1, 0, 1, 0, 2, 2], 3);

        int[][] partition = new ShardPartitioner(1).Partition(data, 3, seed: 2);

        var shards = partition.Select(c => string.Join(',', c)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["0,2", "1,3", "4,5"], shards);
    }

    [Fact]
    public void FewerExamplesThanShards_NamesTheCounts()
    {
        var data = PartitionTestData.Balanced(perClass: 3, classCount: 3); // 9 examples, 5 × 2 shards

        var error = Assert.Throws<ArgumentException>(() => new ShardPartitioner(2).Partition(data, 5, seed: 1));

        Assert.Contains("10 shards", error.Message, StringComparison.Ordinal);
        Assert.Contains("9 examples", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroShardsPerClient_IsRejected()
    {
        Assert.Equal("shardsPerClient", Assert.Throws<ArgumentOutOfRangeException>(() => new ShardPartitioner(0)).ParamName);
    }
}
