using Federated.Shared.Data;
using Federated.Tests.Data;

namespace Federated.Tests.Simulations.Partitioning;

/// <summary>Datasets for partitioner tests: real Fashion-MNIST (whichever copy the locator finds) and small synthetic label sets.</summary>
internal static class PartitionTestData
{
    private static readonly Lazy<LabeledDataset> LazyFashionTrain = new(LoadFashionTrain);

    /// <summary>The Fashion-MNIST training set: 60,000 from Debian, else the repository's 6,000.</summary>
    public static LabeledDataset FashionTrain => LazyFashionTrain.Value;

    /// <summary>Shares the copy other tests load when the locator picks the Debian files.</summary>
    private static LabeledDataset LoadFashionTrain()
    {
        FashionMnistSource source = FashionMnistLocator.Resolve();
        return source.Kind == FashionMnistSourceKind.Debian ? FashionMnistData.Train : source.Load(FashionMnistSplit.Train);
    }

    /// <summary><paramref name="perClass"/> examples of each of <paramref name="classCount"/> labels, labels cycling 0,1,…; one feature each.</summary>
    public static LabeledDataset Balanced(int perClass, int classCount)
    {
        int count = perClass * classCount;
        var labels = new int[count];
        var features = new float[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % classCount;
            features[i] = i;
        }
        return new LabeledDataset(features, labels, [1], classCount);
    }

    /// <summary>Labels given outright; one feature each.</summary>
    public static LabeledDataset WithLabels(int[] labels, int classCount) =>
        new(new float[labels.Length], labels, [1], classCount);

    /// <summary>Asserts that every index of the dataset appears in exactly one client, once.</summary>
    public static void AssertCoversExactlyOnce(int[][] partition, int exampleCount)
    {
        var seen = new int[exampleCount];
        long total = 0;
        foreach (int[] client in partition)
        {
            foreach (int index in client)
            {
                Assert.InRange(index, 0, exampleCount - 1);
                seen[index]++;
            }
            total += client.Length;
        }
        Assert.Equal(exampleCount, total);
        Assert.All(seen, times => Assert.Equal(1, times));
    }

    public static bool SamePartition(int[][] a, int[][] b)
    {
        if (a.Length != b.Length) return false;
        for (int j = 0; j < a.Length; j++)
        {
            if (!a[j].AsSpan().SequenceEqual(b[j])) return false;
        }
        return true;
    }
}
