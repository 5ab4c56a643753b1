using Federated.Shared.Data;

namespace Federated.Tests.Data;

public sealed class FashionMnistLocatorTests
{
    private const string NoDebian = "/nonexistent/fashion-mnist";

    [Fact]
    public void RepositorySubset_LoadsWith6000And1000BalancedExamples()
    {
        FashionMnistSource source = FashionMnistLocator.Resolve(null, null, NoDebian, AppContext.BaseDirectory);

        Assert.Equal(FashionMnistSourceKind.RepositorySubset, source.Kind);
        Assert.Equal("Fashion-MNIST subset shipped in the repository (6,000/1,000)", source.Description);
        LabeledDataset train = source.Load(FashionMnistSplit.Train);
        LabeledDataset test = source.Load(FashionMnistSplit.Test);
        Assert.Equal(6000, train.Count);
        Assert.Equal(1000, test.Count);
        Assert.Equal(10, train.ClassCount);
        Assert.Equal([1, 28, 28], train.ExampleShape.ToArray());
        Assert.All(CountPerClass(train), count => Assert.Equal(600, count));
        Assert.All(CountPerClass(test), count => Assert.Equal(100, count));
    }

    [Fact]
    public void RepositorySubsetTest_IsTheFirst100OfEachClassOfTheFullTestSet()
    {
        // Like the other real-data tests, this needs the Debian files (FashionMnistData).
        LabeledDataset subset = FashionMnistLocator.Resolve(null, null, NoDebian, AppContext.BaseDirectory).Load(FashionMnistSplit.Test);
        LabeledDataset full = FashionMnistData.Test;

        var taken = new int[10];
        int next = 0;
        for (int i = 0; i < full.Count && next < subset.Count; i++)
        {
            int label = full.Labels[i];
            if (taken[label] == 100) continue;
            taken[label]++;
            Assert.Equal(label, subset.Labels[next]);
            Assert.True(full.Example(i).SequenceEqual(subset.Example(next)), $"subset image {next} differs from full image {i}");
            next++;
        }
        Assert.Equal(subset.Count, next);
    }

    [Fact]
    public void ExplicitDirectory_WinsOverEverything()
    {
        FashionMnistSource source = FashionMnistLocator.Resolve("/data/mine", "/data/env", FashionMnist.DefaultDirectory, AppContext.BaseDirectory);

        Assert.Equal(FashionMnistSourceKind.ExplicitDirectory, source.Kind);
        Assert.Equal("/data/mine", source.Directory);
    }

    [Fact]
    public void EnvironmentVariable_WinsOverDebianAndSubset()
    {
        FashionMnistSource source = FashionMnistLocator.Resolve(null, "/data/env", FashionMnist.DefaultDirectory, AppContext.BaseDirectory);

        Assert.Equal(FashionMnistSourceKind.EnvironmentVariable, source.Kind);
        Assert.Contains(FashionMnist.DirectoryVariable, source.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void DebianFiles_WinOverTheSubsetWhenAllFourExist()
    {
        using var dir = new TempDirectory();
        foreach (string name in FashionMnistLocator.FileNames) File.WriteAllBytes(dir.File(name + ".gz"), [0]);

        FashionMnistSource source = FashionMnistLocator.Resolve(null, null, dir.Path, AppContext.BaseDirectory);

        Assert.Equal(FashionMnistSourceKind.Debian, source.Kind);
        Assert.Equal("Fashion-MNIST (Debian dataset-fashion-mnist, 60,000/10,000)", source.Description);

        File.Delete(dir.File("t10k-labels-idx1-ubyte.gz"));
        Assert.Equal(FashionMnistSourceKind.RepositorySubset, FashionMnistLocator.Resolve(null, null, dir.Path, AppContext.BaseDirectory).Kind);
    }

    [Fact]
    public void NothingAnywhere_ExplainsEveryOption()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<DirectoryNotFoundException>(() => FashionMnistLocator.Resolve(null, null, NoDebian, dir.Path));

        Assert.Contains(FashionMnist.DirectoryVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message, StringComparison.Ordinal);
        Assert.Contains(FashionMnistLocator.SubsetRelativePath, error.Message, StringComparison.Ordinal);
    }

    private static int[] CountPerClass(LabeledDataset data)
    {
        var counts = new int[data.ClassCount];
        foreach (int label in data.Labels) counts[label]++;
        return counts;
    }
}
