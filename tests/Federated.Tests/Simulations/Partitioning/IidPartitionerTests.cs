using Federated.Shared.Data;
using Federated.Simulations.Partitioning;

namespace Federated.Tests.Simulations.Partitioning;

public sealed class IidPartitionerTests
{
    [Fact]
    public void Sizes_DifferByAtMostOne()
    {
        var data = PartitionTestData.Balanced(perClass: 101, classCount: 10); // 1,010 over 7 clients

        int[][] partition = new IidPartitioner().Partition(data, 7, seed: 3);

        Assert.All(partition, client => Assert.InRange(client.Length, 144, 145));
        Assert.Equal(1010, partition.Sum(c => c.Length));
    }

    [Fact]
    public void Clients_MatchDatasetShardingForTheSameSeed()
    {
        var data = PartitionTestData.Balanced(perClass: 50, classCount: 4);

        int[][] partition = new IidPartitioner().Partition(data, 6, seed: 9);

        for (int j = 0; j < 6; j++)
        {
            LabeledDataset shard = DatasetSharding.Shard(data, j, 6, seed: 9);
            Assert.Equal(data.Select(partition[j]).Features.ToArray(), shard.Features.ToArray());
        }
    }

    [Fact]
    public void RealFashionMnist_EveryClientSeesAllLabelsInNearEqualShares()
    {
        var data = PartitionTestData.FashionTrain;

        var histogram = LabelHistogram.Compute(data, new IidPartitioner().Partition(data, 10, seed: 5));

        Assert.Equal(10, histogram.MinDistinctLabels);
        Assert.InRange(histogram.MaxDominantShare, 0.1, 0.15);
        Assert.Equal(data.Count / 10, histogram.MinExamples);
    }
}
