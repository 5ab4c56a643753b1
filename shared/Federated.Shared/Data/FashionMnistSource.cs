namespace Federated.Shared.Data;

/// <summary>A resolved copy of Fashion-MNIST: which folder, and a line saying which copy it is.</summary>
/// <param name="Directory">The folder holding the four IDX files.</param>
/// <param name="Kind">How it was chosen.</param>
/// <param name="Description">For logs and reports, e.g. "Fashion-MNIST subset shipped in the repository (6,000/1,000)".</param>
public sealed record FashionMnistSource(string Directory, FashionMnistSourceKind Kind, string Description)
{
    /// <summary>Loads one split of this copy.</summary>
    public LabeledDataset Load(FashionMnistSplit split) => FashionMnist.Load(split, Directory);
}
