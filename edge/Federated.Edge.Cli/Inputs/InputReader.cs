using System.Buffers.Binary;
using System.Globalization;
using System.Numerics.Tensors;
using Federated.Shared.Data;

namespace Federated.Edge.Cli.Inputs;

/// <summary>
/// Reads examples for a model that takes <c>featuresPerExample</c> floats each, from IDX, CSV or raw
/// float32, and refuses anything else with a message naming the file and what is wrong with it.
/// </summary>
internal static class InputReader
{
    public const string FashionMnistName = "fashion-mnist";

    public static InputBatch Read(InputSpec spec, int featuresPerExample)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var batch = ReadAll(spec, featuresPerExample);
        if (batch.FeaturesPerExample != featuresPerExample)
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"Input '{batch.Source}' has {batch.FeaturesPerExample} values per example; the model takes {featuresPerExample}."));
        if (batch.Count == 0) throw new CliException($"Input '{batch.Source}' holds no examples.");
        if (spec.Limit > 0 && batch.Count > spec.Limit)
            batch = batch with
            {
                Features = batch.Features.AsSpan(0, spec.Limit * featuresPerExample).ToArray(),
                Count = spec.Limit,
                Labels = batch.Labels?.AsSpan(0, spec.Limit).ToArray(),
            };
        int bad = IndexOfNonFinite(batch.Features);
        if (bad >= 0)
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"Input '{batch.Source}' has a non-finite value ({batch.Features[bad]}) in example {bad / featuresPerExample}."));
        return batch;
    }

    private static InputBatch ReadAll(InputSpec spec, int featuresPerExample)
    {
        // A file of that name wins over the dataset.
        if (spec.Path.StartsWith(FashionMnistName, StringComparison.OrdinalIgnoreCase) && !File.Exists(spec.Path)) return ReadFashionMnist(spec.Path);
        if (!File.Exists(spec.Path)) throw new CliException($"Input file '{spec.Path}' does not exist.");
        var format = spec.Format == InputFormat.Auto ? Detect(spec.Path) : spec.Format;
        return format switch
        {
            InputFormat.Idx => ReadIdx(spec.Path, spec.LabelsPath),
            InputFormat.Csv => CsvInput.Read(spec.Path, spec.LabelColumn),
            _ => ReadRaw(spec.Path, featuresPerExample),
        };
    }

    private static InputFormat Detect(string path)
    {
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return InputFormat.Csv;
        Span<byte> head = stackalloc byte[4];
        using (var file = File.OpenRead(path))
        {
            if (file.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4) return InputFormat.Raw;
        }
        bool gzip = head[0] == 0x1f && head[1] == 0x8b;
        return gzip || BinaryPrimitives.ReadInt32BigEndian(head) == IdxReader.ImagesMagic ? InputFormat.Idx : InputFormat.Raw;
    }

    private static InputBatch ReadFashionMnist(string name)
    {
        var split = name.Length == FashionMnistName.Length || name.EndsWith(":test", StringComparison.OrdinalIgnoreCase)
            ? FashionMnistSplit.Test
            : name.EndsWith(":train", StringComparison.OrdinalIgnoreCase)
                ? FashionMnistSplit.Train
                : throw new CliException($"Input '{name}' is not 'fashion-mnist', 'fashion-mnist:test' or 'fashion-mnist:train'.");
        var data = FashionMnist.Load(split);
        return new InputBatch(data.Features.ToArray(), data.Count, data.FeaturesPerExample, data.Labels.ToArray(), name);
    }

    /// <summary>IDX images, normalised with Fashion-MNIST's training mean and deviation as the federation's models were trained.</summary>
    private static InputBatch ReadIdx(string path, string? labelsPath)
    {
        var images = IdxReader.ReadImages(path);
        var features = new float[images.Pixels.Length];
        TensorPrimitives.ConvertChecked<byte, float>(images.Pixels, features);
        TensorPrimitives.Multiply(features, 1f / (255f * FashionMnist.StandardDeviation), features);
        TensorPrimitives.Add(features, -FashionMnist.Mean / FashionMnist.StandardDeviation, features);
        int[]? labels = null;
        if (labelsPath is not null)
        {
            byte[] bytes = IdxReader.ReadLabels(labelsPath);
            if (bytes.Length != images.Count)
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"Labels '{labelsPath}' hold {bytes.Length} labels but images '{path}' hold {images.Count} images."));
            labels = new int[bytes.Length];
            TensorPrimitives.ConvertChecked<byte, int>(bytes, labels);
        }
        return new InputBatch(features, images.Count, images.Rows * images.Columns, labels, path);
    }

    private static InputBatch ReadRaw(string path, int featuresPerExample)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long exampleBytes = (long)featuresPerExample * sizeof(float);
        if (bytes.Length % exampleBytes != 0)
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"Raw input '{path}' has {bytes.Length} bytes, not a whole number of examples of {featuresPerExample} float32 values ({exampleBytes} bytes each)."));
        var features = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < features.Length; i++)
            features[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        return new InputBatch(features, (int)(bytes.Length / exampleBytes), featuresPerExample, null, path);
    }

    /// <summary>Writes examples as raw little-endian float32 (the format <see cref="InputFormat.Raw"/> reads).</summary>
    public static void WriteRaw(string path, ReadOnlySpan<float> features)
    {
        byte[] bytes = new byte[features.Length * sizeof(float)];
        for (int i = 0; i < features.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), features[i]);
        File.WriteAllBytes(path, bytes);
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }
        return -1;
    }
}
