namespace Federated.Shared.Data;

/// <summary>Where <see cref="FashionMnistLocator"/> found the Fashion-MNIST files.</summary>
public enum FashionMnistSourceKind
{
    /// <summary>A directory the caller passed.</summary>
    ExplicitDirectory,

    /// <summary>The directory in <see cref="FashionMnist.DirectoryVariable"/>.</summary>
    EnvironmentVariable,

    /// <summary>The full dataset from the Debian package in <see cref="FashionMnist.DefaultDirectory"/>.</summary>
    Debian,

    /// <summary>The 6,000/1,000 subset in <see cref="FashionMnistLocator.SubsetRelativePath"/>.</summary>
    RepositorySubset,
}
