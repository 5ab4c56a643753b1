using Federated.Simulations.Partitioning;
using Federated.Simulations.Scenarios;

namespace Federated.Tests.Simulations.Partitioning;

/// <summary>What every partitioner promises: a disjoint cover, fixed by the seed.</summary>
public sealed class PartitionerContractTests
{
    public static TheoryData<string> Kinds => new() { "iid", "dirichlet", "shards", "quantity" };

    // α = 1 and a minimum of 1 keep quantity skew feasible for 100 clients on the 6,000-image subset.
    private static IPartitioner Create(string kind) =>
        PartitionerFactory.Create(new PartitionSpec { Kind = kind, Alpha = 1.0, ShardsPerClient = 2, MinExamplesPerClient = 1 });

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Partition_CoversEveryExampleExactlyOnce(string kind)
    {
        var data = PartitionTestData.Balanced(perClass: 301, classCount: 10); // 3,010: shards do not divide evenly

        int[][] partition = Create(kind).Partition(data, clientCount: 37, seed: 7);

        Assert.Equal(37, partition.Length);
        PartitionTestData.AssertCoversExactlyOnce(partition, data.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RealFashionMnist_CoveredExactlyOnceBy100Clients(string kind)
    {
        var data = PartitionTestData.FashionTrain;

        int[][] partition = Create(kind).Partition(data, clientCount: 100, seed: 1);

        PartitionTestData.AssertCoversExactlyOnce(partition, data.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SameSeed_SamePartition_OtherSeed_Different(string kind)
    {
        var data = PartitionTestData.Balanced(perClass: 200, classCount: 10);

        int[][] first = Create(kind).Partition(data, 20, seed: 11);
        int[][] again = Create(kind).Partition(data, 20, seed: 11);
        int[][] other = Create(kind).Partition(data, 20, seed: 12);

        Assert.True(PartitionTestData.SamePartition(first, again));
        Assert.False(PartitionTestData.SamePartition(first, other));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BadClientCounts_NameTheArgument(string kind)
    {
        var data = PartitionTestData.Balanced(perClass: 2, classCount: 2);
        IPartitioner partitioner = PartitionerFactory.Create(new PartitionSpec { Kind = kind, MinExamplesPerClient = 0, ShardsPerClient = 1 });

        Assert.Equal("clientCount", Assert.Throws<ArgumentOutOfRangeException>(() => partitioner.Partition(data, 0, 1)).ParamName);
        Assert.Equal("clientCount", Assert.Throws<ArgumentOutOfRangeException>(() => partitioner.Partition(data, 5, 1)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => partitioner.Partition(null!, 1, 1)).ParamName);
    }
}
