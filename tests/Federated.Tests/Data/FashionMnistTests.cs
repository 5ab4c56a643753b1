using Federated.Shared.Data;

namespace Federated.Tests.Data;

public sealed class FashionMnistTests
{
    [Fact]
    public void RealTrainAndTest_HaveTheDocumentedSizesAndBalancedLabels()
    {
        LabeledDataset train = FashionMnistData.Train;
        LabeledDataset test = FashionMnistData.Test;

        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        Assert.Equal([1, 28, 28], train.ExampleShape.ToArray());
        Assert.Equal(10, train.ClassCount);
        // Both splits are exactly balanced: 6,000 and 1,000 images per class.
        Assert.All(CountPerClass(train), count => Assert.Equal(6000, count));
        Assert.All(CountPerClass(test), count => Assert.Equal(1000, count));
    }

    [Fact]
    public void RealTrain_IsNormalisedToMeanZeroAndUnitSpread()
    {
        ReadOnlySpan<float> x = FashionMnistData.Train.Features;
        double sum = 0, squares = 0;
        foreach (float v in x)
        {
            sum += v;
            squares += (double)v * v;
        }
        double mean = sum / x.Length;
        double std = Math.Sqrt(squares / x.Length - mean * mean);

        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.99, 1.01);
        Assert.Equal(-FashionMnist.Mean / FashionMnist.StandardDeviation, System.Numerics.Tensors.TensorPrimitives.Min(x), 4);
    }

    [Fact]
    public void ClassNames_AreTheTenInLabelOrder()
    {
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    [Fact]
    public void MissingFiles_NameTheFileAndThePackage()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(FashionMnistSplit.Test, dir.Path));

        Assert.Contains("t10k-images-idx3-ubyte", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SmallCopyInAnotherDirectory_LoadsRawOrGzipAndNormalises()
    {
        using var dir = new TempDirectory();
        var pixels = new byte[2 * 28 * 28];
        pixels[0] = 255;
        IdxFiles.Write(dir.File("train-images-idx3-ubyte"), IdxFiles.Images(2, 28, 28, pixels), gzip: false);
        IdxFiles.Write(dir.File("train-labels-idx1-ubyte.gz"), IdxFiles.Labels([3, 9]), gzip: true);

        LabeledDataset data = FashionMnist.Load(FashionMnistSplit.Train, dir.Path);

        Assert.Equal([3, 9], data.Labels.ToArray());
        Assert.Equal((1 - 0.2860f) / 0.3530f, data.Features[0], 5);
        Assert.Equal(-0.2860f / 0.3530f, data.Features[1], 5);
    }

    [Fact]
    public void ImageAndLabelCountsDiffer_ErrorNamesBothCounts()
    {
        using var dir = new TempDirectory();
        IdxFiles.Write(dir.File("t10k-images-idx3-ubyte.gz"), IdxFiles.Images(3, 28, 28, new byte[3 * 28 * 28]), gzip: true);
        IdxFiles.Write(dir.File("t10k-labels-idx1-ubyte.gz"), IdxFiles.Labels([1, 2]), gzip: true);

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(FashionMnistSplit.Test, dir.Path));

        Assert.Contains("3 images", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 labels", error.Message, StringComparison.Ordinal);
    }

    private static int[] CountPerClass(LabeledDataset data)
    {
        var counts = new int[data.ClassCount];
        foreach (int label in data.Labels) counts[label]++;
        return counts;
    }
}
