using Federated.Simulations.Partitioning;
using Federated.Simulations.Scenarios;

namespace Federated.Tests.Simulations.Partitioning;

public sealed class PartitionerFactoryTests
{
    [Fact]
    public void Kinds_MapToTheirPartitionersWithTheSpecsSettings()
    {
        Assert.IsType<IidPartitioner>(PartitionerFactory.Create(new PartitionSpec { Kind = "IID" }));
        var dirichlet = Assert.IsType<DirichletPartitioner>(PartitionerFactory.Create(new PartitionSpec { Kind = "dirichlet", Alpha = 0.1, MinExamplesPerClient = 3 }));
        Assert.Equal(0.1, dirichlet.Alpha);
        Assert.Equal(3, dirichlet.MinExamplesPerClient);
        Assert.Equal(4, Assert.IsType<ShardPartitioner>(PartitionerFactory.Create(new PartitionSpec { Kind = " shards ", ShardsPerClient = 4 })).ShardsPerClient);
        Assert.Equal("quantity(2)", PartitionerFactory.Create(new PartitionSpec { Kind = "quantity", Alpha = 2 }).Name);
    }

    [Fact]
    public void DefaultSpec_IsDirichletHalf()
    {
        Assert.Equal("dirichlet(0.5)", PartitionerFactory.Create(new PartitionSpec()).Name);
    }

    [Fact]
    public void UnknownKind_ListsTheKnownKinds()
    {
        var error = Assert.Throws<ArgumentException>(() => PartitionerFactory.Create(new PartitionSpec { Kind = "label-flip" }));

        Assert.Equal("spec", error.ParamName);
        Assert.Contains("'label-flip'", error.Message, StringComparison.Ordinal);
        Assert.Contains("iid, dirichlet, shards, quantity", error.Message, StringComparison.Ordinal);
    }
}
