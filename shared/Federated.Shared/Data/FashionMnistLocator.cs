namespace Federated.Shared.Data;

/// <summary>
/// Decides which copy of Fashion-MNIST to use: an explicit directory, else
/// <see cref="FashionMnist.DirectoryVariable"/>, else the Debian files if all four exist, else
/// the class-balanced subset shipped in the repository (found by walking up from
/// <see cref="AppContext.BaseDirectory"/>). Runs print <see cref="FashionMnistSource.Description"/>
/// so a result always says whether it came from the full set or the subset.
/// </summary>
public static class FashionMnistLocator
{
    /// <summary>The subset's folder relative to the repository root.</summary>
    public const string SubsetRelativePath = "simulations/data/fashion-mnist-subset";

    /// <summary>The four file names (without <c>.gz</c>) every copy must hold.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Resolves the copy to use; <paramref name="directory"/> wins when given.</summary>
    public static FashionMnistSource Resolve(string? directory = null) =>
        Resolve(directory, Environment.GetEnvironmentVariable(FashionMnist.DirectoryVariable), FashionMnist.DefaultDirectory, AppContext.BaseDirectory);

    /// <summary>The rule with its inputs passed in, so tests need not change the process environment.</summary>
    internal static FashionMnistSource Resolve(string? directory, string? environmentValue, string debianDirectory, string searchStart)
    {
        if (!string.IsNullOrWhiteSpace(directory))
            return new FashionMnistSource(directory, FashionMnistSourceKind.ExplicitDirectory, $"Fashion-MNIST from '{directory}' (given directory)");
        if (!string.IsNullOrWhiteSpace(environmentValue))
            return new FashionMnistSource(environmentValue, FashionMnistSourceKind.EnvironmentVariable, $"Fashion-MNIST from '{environmentValue}' ({FashionMnist.DirectoryVariable})");
        if (HasAllFiles(debianDirectory))
            return new FashionMnistSource(debianDirectory, FashionMnistSourceKind.Debian, "Fashion-MNIST (Debian dataset-fashion-mnist, 60,000/10,000)");

        string? subset = FindSubset(searchStart);
        if (subset is not null)
            return new FashionMnistSource(subset, FashionMnistSourceKind.RepositorySubset, "Fashion-MNIST subset shipped in the repository (6,000/1,000)");

        throw new DirectoryNotFoundException(
            $"No Fashion-MNIST found: no directory was given, {FashionMnist.DirectoryVariable} is not set, '{debianDirectory}' lacks the files " +
            $"(`apt-get install dataset-fashion-mnist` provides them), and no folder above '{searchStart}' contains '{SubsetRelativePath}'.");
    }

    /// <summary>Whether <paramref name="directory"/> holds all four files, raw or gzip-compressed.</summary>
    public static bool HasAllFiles(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory) || !System.IO.Directory.Exists(directory)) return false;
        foreach (string name in FileNames)
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path + ".gz") && !File.Exists(path)) return false;
        }
        return true;
    }

    /// <summary>The first <see cref="SubsetRelativePath"/> with all four files in <paramref name="start"/> or a folder above it.</summary>
    private static string? FindSubset(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, SubsetRelativePath);
            if (HasAllFiles(candidate)) return candidate;
        }
        return null;
    }
}
