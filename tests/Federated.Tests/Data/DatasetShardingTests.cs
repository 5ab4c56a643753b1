using Federated.Shared.Data;

namespace Federated.Tests.Data;

public sealed class DatasetShardingTests
{
    /// <summary>103 examples whose single feature is their own index, so shards reveal where they came from.</summary>
    private static LabeledDataset Numbered(int count = 103)
    {
        var features = new float[count];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            features[i] = i;
            labels[i] = i % 4;
        }
        return new LabeledDataset(features, labels, [1], 4);
    }

    [Fact]
    public void Shards_AreDisjoint_CoverTheData_AndNearlyEqual()
    {
        LabeledDataset data = Numbered();
        var seen = new int[data.Count];
        for (int k = 0; k < 7; k++)
        {
            LabeledDataset shard = DatasetSharding.Shard(data, k, 7, seed: 42);
            Assert.InRange(shard.Count, 103 / 7, 103 / 7 + 1);
            for (int i = 0; i < shard.Count; i++)
            {
                int original = (int)shard.Features[i];
                seen[original]++;
                Assert.Equal(original % 4, shard.Labels[i]); // labels travel with their features
            }
        }
        Assert.All(seen, times => Assert.Equal(1, times));
    }

    [Fact]
    public void SameSeed_SameShard_OtherSeed_OtherShard()
    {
        LabeledDataset data = Numbered();

        float[] first = DatasetSharding.Shard(data, 2, 5, seed: 7).Features.ToArray();
        float[] again = DatasetSharding.Shard(data, 2, 5, seed: 7).Features.ToArray();
        float[] other = DatasetSharding.Shard(data, 2, 5, seed: 8).Features.ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Shard_IsShuffled_NotAContiguousBlock()
    {
        float[] shard = DatasetSharding.Shard(Numbered(), 0, 2, seed: 1).Features.ToArray();

        Assert.Contains(shard, v => v >= 52); // a plain slice would hold only 0..50
    }

    [Theory]
    [InlineData(0, 0, "shardCount")]
    [InlineData(2, 2, "shardIndex")]
    [InlineData(-1, 2, "shardIndex")]
    [InlineData(0, 104, "shardCount")]
    public void BadArguments_NameTheParameter(int index, int count, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSharding.Shard(Numbered(), index, count, seed: 0));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Split_IsDisjointCoveringAndSized()
    {
        LabeledDataset data = Numbered(100);

        var (train, heldOut) = DatasetSharding.Split(data, 0.2, seed: 3);

        Assert.Equal(80, train.Count);
        Assert.Equal(20, heldOut.Count);
        var all = new HashSet<float>(train.Features.ToArray());
        foreach (float v in heldOut.Features) Assert.True(all.Add(v), $"example {v} is in both parts");
        Assert.Equal(100, all.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Split_RejectsFractionsOutsideTheOpenInterval(double fraction)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSharding.Split(Numbered(), fraction, seed: 0));

        Assert.Equal("heldOutFraction", error.ParamName);
    }
}
