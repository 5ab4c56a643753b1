using Federated.Shared.Data;

namespace Federated.Simulations.Partitioning;

/// <summary>
/// IID split: a seeded shuffle, then contiguous slices with boundaries ⌊n·j/clients⌋, so sizes
/// differ by at most one. Client j gets exactly what <see cref="DatasetSharding.Shard"/> gives
/// shard j for the same seed.
/// </summary>
public sealed class IidPartitioner : IPartitioner
{
    public string Name => "iid";

    public int[][] Partition(LabeledDataset data, int clientCount, int seed)
    {
        PartitionArguments.Check(data, clientCount);
        var order = new int[data.Count];
        SeededShuffle.FillPermutation(order, seed);

        var clients = new int[clientCount][];
        for (int j = 0; j < clientCount; j++)
        {
            int start = (int)((long)data.Count * j / clientCount);
            int end = (int)((long)data.Count * (j + 1) / clientCount);
            clients[j] = order[start..end];
        }
        return clients;
    }
}
