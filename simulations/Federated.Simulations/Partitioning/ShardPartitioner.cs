using System.Globalization;
using Federated.Shared.Data;

namespace Federated.Simulations.Partitioning;

/// <summary>
/// The pathological non-IID split of McMahan, Moore, Ramage, Hampson and Agüera y Arcas 2017,
/// "Communication-efficient learning of deep networks from decentralized data" (AISTATS, §3):
/// sort the examples by label (stable: ties by index), cut them into clients × k shards of
/// equal size (sizes differ by at most one when they do not divide evenly), and give each client
/// k shards chosen at random. Each client then sees about k labels — at most k when every class
/// size is a multiple of the shard size, as with Fashion-MNIST and 100 clients × 2.
/// </summary>
public sealed class ShardPartitioner : IPartitioner
{
    public ShardPartitioner(int shardsPerClient = 2)
    {
        if (shardsPerClient < 1)
            throw new ArgumentOutOfRangeException(nameof(shardsPerClient), shardsPerClient, "shardsPerClient must be at least 1.");
        ShardsPerClient = shardsPerClient;
    }

    public int ShardsPerClient { get; }

    public string Name => $"shards({ShardsPerClient.ToString(CultureInfo.InvariantCulture)})";

    public int[][] Partition(LabeledDataset data, int clientCount, int seed)
    {
        PartitionArguments.Check(data, clientCount);
        long shardCount = (long)clientCount * ShardsPerClient;
        if (shardCount > data.Count)
            throw new ArgumentException(
                $"{clientCount} clients × shardsPerClient {ShardsPerClient} = {shardCount} shards, but the dataset has only {data.Count} examples; every shard needs at least one.",
                nameof(clientCount));

        Span<int> sorted = ClassBuckets.Build(data.Labels, data.ClassCount).All;
        var shardOrder = new int[(int)shardCount];
        SeededShuffle.FillPermutation(shardOrder, seed);

        var clients = new int[clientCount][];
        for (int j = 0; j < clientCount; j++)
        {
            ReadOnlySpan<int> mine = shardOrder.AsSpan(j * ShardsPerClient, ShardsPerClient);
            int size = 0;
            foreach (int shard in mine) size += ShardEnd(shard, data.Count, shardCount) - ShardStart(shard, data.Count, shardCount);
            var indices = new int[size];
            int filled = 0;
            foreach (int shard in mine)
            {
                int start = ShardStart(shard, data.Count, shardCount);
                int length = ShardEnd(shard, data.Count, shardCount) - start;
                sorted.Slice(start, length).CopyTo(indices.AsSpan(filled));
                filled += length;
            }
            clients[j] = indices;
        }
        return clients;
    }

    private static int ShardStart(int shard, int total, long shardCount) => (int)(total * (long)shard / shardCount);

    private static int ShardEnd(int shard, int total, long shardCount) => (int)(total * (long)(shard + 1) / shardCount);
}
