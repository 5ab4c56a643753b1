using System.Numerics.Tensors;

namespace Federated.Shared.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, arXiv:1708.07747): 28×28 grey images of ten
/// clothing classes in MNIST's IDX format. Loaded as 1×28×28 examples normalised with the
/// training set's mean and standard deviation, as the usual PyTorch recipes do, so results
/// compare with published ones.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Environment variable that overrides <see cref="DefaultDirectory"/>.</summary>
    public const string DirectoryVariable = "FEDERATED_FASHION_MNIST_DIR";

    /// <summary>Mean of the training pixels scaled to [0, 1].</summary>
    public const float Mean = 0.2860f;

    /// <summary>Standard deviation of the training pixels scaled to [0, 1].</summary>
    public const float StandardDeviation = 0.3530f;

    public const int Rows = 28;

    public const int Columns = 28;

    /// <summary>The class names in label order, as the dataset's authors list them.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// Loads one split from <paramref name="directory"/>, else from the directory in
    /// <see cref="DirectoryVariable"/>, else from <see cref="DefaultDirectory"/>.
    /// Each file may be gzip-compressed (<c>.gz</c>) or raw.
    /// </summary>
    public static LabeledDataset Load(FashionMnistSplit split, string? directory = null)
    {
        string prefix = split switch
        {
            FashionMnistSplit.Train => "train",
            FashionMnistSplit.Test => "t10k",
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Use FashionMnistSplit.Train or FashionMnistSplit.Test."),
        };
        directory = ResolveDirectory(directory);
        string imagesPath = FindFile(directory, $"{prefix}-images-idx3-ubyte");
        string labelsPath = FindFile(directory, $"{prefix}-labels-idx1-ubyte");

        IdxImages images = IdxReader.ReadImages(imagesPath);
        byte[] labelBytes = IdxReader.ReadLabels(labelsPath);
        if (images.Count != labelBytes.Length)
            throw new InvalidDataException($"'{imagesPath}' holds {images.Count} images but '{labelsPath}' holds {labelBytes.Length} labels; they must match.");
        if (images.Rows != Rows || images.Columns != Columns)
            throw new InvalidDataException($"'{imagesPath}' holds {images.Rows}x{images.Columns} images; Fashion-MNIST's are {Rows}x{Columns}.");

        var features = new float[images.Pixels.Length];
        Normalize(images.Pixels, features);
        var labels = new int[labelBytes.Length];
        TensorPrimitives.ConvertChecked<byte, int>(labelBytes, labels);
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= ClassNames.Count)
                throw new InvalidDataException($"'{labelsPath}' has label {labels[i]} at position {i}; Fashion-MNIST labels are 0..{ClassNames.Count - 1}.");
        }
        return new LabeledDataset(features, labels, [1, Rows, Columns], ClassNames.Count);
    }

    /// <summary>(x / 255 − mean) / std, rewritten as x · 1/(255·std) − mean/std so it is two SIMD passes.</summary>
    internal static void Normalize(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        TensorPrimitives.ConvertChecked<byte, float>(pixels, destination);
        TensorPrimitives.Multiply(destination, 1f / (255f * StandardDeviation), destination);
        TensorPrimitives.Add(destination, -Mean / StandardDeviation, destination);
    }

    private static string ResolveDirectory(string? directory)
    {
        if (!string.IsNullOrWhiteSpace(directory)) return directory;
        string? fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultDirectory : fromEnvironment;
    }

    private static string FindFile(string directory, string name)
    {
        string compressed = Path.Combine(directory, name + ".gz");
        if (File.Exists(compressed)) return compressed;
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw)) return raw;
        throw new FileNotFoundException(
            $"Fashion-MNIST file '{name}.gz' (or uncompressed '{name}') is missing from '{directory}'. " +
            $"`apt-get install dataset-fashion-mnist` provides it in {DefaultDirectory}; " +
            $"set {DirectoryVariable} or pass a directory to use another copy.",
            compressed);
    }
}
