using System.Globalization;
using Federated.Shared.Data;

namespace Federated.Simulations.Partitioning;

/// <summary>
/// Quantity skew (Li, Diao, Chen and He 2021, NIID-Bench, arXiv:2102.02079, §4.3; the Dirichlet
/// construction of Hsu, Qi and Brown 2019): client sizes are proportional to one Dir(α, …, α)
/// draw over clients, and the examples are otherwise IID — a seeded shuffle cut at those sizes.
/// Redrawn, continuing the same seeded random stream, until every client has at least
/// <see cref="MinExamplesPerClient"/> examples.
/// </summary>
public sealed class QuantitySkewPartitioner : IPartitioner
{
    /// <summary>Draws tried before giving up on <see cref="MinExamplesPerClient"/>.</summary>
    public const int MaxAttempts = 1000;

    public QuantitySkewPartitioner(double alpha, int minExamplesPerClient = 10)
    {
        PartitionArguments.CheckAlpha(alpha);
        PartitionArguments.CheckMinimum(minExamplesPerClient);
        Alpha = alpha;
        MinExamplesPerClient = minExamplesPerClient;
    }

    public double Alpha { get; }

    public int MinExamplesPerClient { get; }

    public string Name => $"quantity({Alpha.ToString("G", CultureInfo.InvariantCulture)})";

    public int[][] Partition(LabeledDataset data, int clientCount, int seed)
    {
        PartitionArguments.Check(data, clientCount);
        PartitionArguments.CheckMinimumFits(data, clientCount, MinExamplesPerClient);

        var random = new Random(seed);
        var order = new int[data.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        SeededShuffle.Shuffle(order, random);

        var proportions = new double[clientCount];
        var cuts = new int[clientCount + 1];
        int bestSmallest = -1;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            DirichletSampler.Sample(proportions, Alpha, random);
            ProportionalSplit.Cuts(proportions, order.Length, cuts);
            int smallest = ProportionalSplit.SmallestPart(cuts);
            if (smallest >= MinExamplesPerClient)
            {
                var clients = new int[clientCount][];
                for (int j = 0; j < clientCount; j++) clients[j] = order[cuts[j]..cuts[j + 1]];
                return clients;
            }
            bestSmallest = Math.Max(bestSmallest, smallest);
        }
        throw PartitionArguments.Incompatible(Name, Alpha, clientCount, MinExamplesPerClient, MaxAttempts, bestSmallest);
    }
}
