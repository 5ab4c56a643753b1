using System.Globalization;
using Federated.Shared.Data;

namespace Federated.Simulations.Partitioning;

/// <summary>
/// Dirichlet label skew (Hsu, Qi and Brown 2019, "Measuring the effects of non-identical data
/// distribution for federated visual classification", arXiv:1909.06335; Li, Diao, Chen and He
/// 2021, "Federated learning on non-IID data silos: an experimental study" (NIID-Bench),
/// arXiv:2102.02079): for each class, shuffle its examples, draw proportions over all clients
/// from Dir(α, …, α) and cut the class by them. Small α gives each client few labels; large α
/// approaches IID. The whole draw is repeated, continuing the same seeded random stream, until
/// every client has at least <see cref="MinExamplesPerClient"/> examples, as NIID-Bench does.
/// A client's indices are grouped by class; trainers shuffle them per epoch.
/// </summary>
public sealed class DirichletPartitioner : IPartitioner
{
    /// <summary>Draws tried before giving up on <see cref="MinExamplesPerClient"/>.</summary>
    public const int MaxAttempts = 1000;

    public DirichletPartitioner(double alpha, int minExamplesPerClient = 10)
    {
        PartitionArguments.CheckAlpha(alpha);
        PartitionArguments.CheckMinimum(minExamplesPerClient);
        Alpha = alpha;
        MinExamplesPerClient = minExamplesPerClient;
    }

    public double Alpha { get; }

    public int MinExamplesPerClient { get; }

    public string Name => $"dirichlet({Alpha.ToString("G", CultureInfo.InvariantCulture)})";

    public int[][] Partition(LabeledDataset data, int clientCount, int seed)
    {
        PartitionArguments.Check(data, clientCount);
        PartitionArguments.CheckMinimumFits(data, clientCount, MinExamplesPerClient);

        var buckets = ClassBuckets.Build(data.Labels, data.ClassCount);
        var random = new Random(seed);
        var proportions = new double[clientCount];
        int stride = clientCount + 1;
        var cuts = new int[buckets.ClassCount * stride]; // per class: clientCount + 1 cut points
        var sizes = new int[clientCount];
        int bestSmallest = -1;

        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            Array.Clear(sizes);
            for (int k = 0; k < buckets.ClassCount; k++)
            {
                Span<int> members = buckets.Of(k);
                SeededShuffle.Shuffle(members, random);
                DirichletSampler.Sample(proportions, Alpha, random);
                Span<int> classCuts = cuts.AsSpan(k * stride, stride);
                ProportionalSplit.Cuts(proportions, members.Length, classCuts);
                for (int j = 0; j < clientCount; j++) sizes[j] += classCuts[j + 1] - classCuts[j];
            }

            int smallest = Smallest(sizes);
            if (smallest >= MinExamplesPerClient) return Assemble(buckets, cuts, sizes);
            bestSmallest = Math.Max(bestSmallest, smallest);
        }
        throw PartitionArguments.Incompatible(Name, Alpha, clientCount, MinExamplesPerClient, MaxAttempts, bestSmallest);
    }

    private static int[][] Assemble(ClassBuckets buckets, int[] cuts, int[] sizes)
    {
        int clientCount = sizes.Length;
        int stride = clientCount + 1;
        var clients = new int[clientCount][];
        var filled = new int[clientCount];
        for (int j = 0; j < clientCount; j++) clients[j] = new int[sizes[j]];
        for (int k = 0; k < buckets.ClassCount; k++)
        {
            Span<int> members = buckets.Of(k);
            ReadOnlySpan<int> classCuts = cuts.AsSpan(k * stride, stride);
            for (int j = 0; j < clientCount; j++)
            {
                int length = classCuts[j + 1] - classCuts[j];
                members.Slice(classCuts[j], length).CopyTo(clients[j].AsSpan(filled[j]));
                filled[j] += length;
            }
        }
        return clients;
    }

    private static int Smallest(ReadOnlySpan<int> sizes)
    {
        int smallest = int.MaxValue;
        foreach (int size in sizes) smallest = Math.Min(smallest, size);
        return smallest;
    }
}
