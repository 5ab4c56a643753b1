using Federated.Shared.Data;

namespace Federated.Tests.Data;

/// <summary>The real Fashion-MNIST, loaded once per test run (it is read-only, so sharing is safe).</summary>
internal static class FashionMnistData
{
    private static readonly Lazy<LabeledDataset> LazyTrain = new(() => FashionMnist.Load(FashionMnistSplit.Train));
    private static readonly Lazy<LabeledDataset> LazyTest = new(() => FashionMnist.Load(FashionMnistSplit.Test));

    public static LabeledDataset Train => LazyTrain.Value;

    public static LabeledDataset Test => LazyTest.Value;
}
