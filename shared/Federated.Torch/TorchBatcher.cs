using System.Runtime.InteropServices;
using Federated.Shared.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Federated.Torch;

/// <summary>
/// Builds minibatch tensors from a <see cref="LabeledDataset"/>'s flat features. The batch's
/// CPU tensor is allocated by libtorch and filled through its storage span, one span copy per
/// example (one in total for a contiguous range), so no per-element work and no managed
/// staging array; on another device the filled tensor is then moved in one transfer. Tensors
/// join the caller's dispose scope.
/// </summary>
public sealed class TorchBatcher
{
    private readonly LabeledDataset _data;
    private readonly Device _device;
    private readonly long[] _featureShape;
    private readonly long[] _labelShape = new long[1];

    /// <param name="exampleShape">Shape of one example as the model takes it (its element count must match the dataset's).</param>
    public TorchBatcher(LabeledDataset data, ReadOnlySpan<int> exampleShape, Device device)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(device);
        long perExample = 1;
        foreach (int dim in exampleShape) perExample *= dim;
        if (exampleShape.IsEmpty || perExample != data.FeaturesPerExample)
            throw new ArgumentException(
                $"The model takes examples of shape [{string.Join('x', exampleShape.ToArray())}] ({perExample} values) " +
                $"but the dataset's examples hold {data.FeaturesPerExample} values.", nameof(exampleShape));
        _data = data;
        _device = device;
        _featureShape = new long[exampleShape.Length + 1];
        for (int i = 0; i < exampleShape.Length; i++) _featureShape[i + 1] = exampleShape[i];
    }

    /// <summary>The examples at <paramref name="indices"/>, in that order: features [B, ..shape] float32, labels [B] int64.</summary>
    public (Tensor Features, Tensor Labels) Gather(ReadOnlySpan<int> indices)
    {
        var (features, labels) = Allocate(indices.Length);
        Span<float> x = MemoryMarshal.Cast<byte, float>(features.bytes);
        Span<long> y = MemoryMarshal.Cast<byte, long>(labels.bytes);
        ReadOnlySpan<int> allLabels = _data.Labels;
        int width = _data.FeaturesPerExample;
        for (int i = 0; i < indices.Length; i++)
        {
            _data.Example(indices[i]).CopyTo(x.Slice(i * width, width));
            y[i] = allLabels[indices[i]];
        }
        return ToDevice(features, labels);
    }

    /// <summary>The <paramref name="count"/> examples from <paramref name="start"/> on, copied as one block.</summary>
    public (Tensor Features, Tensor Labels) Range(int start, int count)
    {
        if (start < 0 || count <= 0 || start > _data.Count - count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Examples [{start}, {start + count}) are not inside the dataset's {_data.Count}.");
        var (features, labels) = Allocate(count);
        int width = _data.FeaturesPerExample;
        _data.Features.Slice(start * width, count * width).CopyTo(MemoryMarshal.Cast<byte, float>(features.bytes));
        Span<long> y = MemoryMarshal.Cast<byte, long>(labels.bytes);
        ReadOnlySpan<int> source = _data.Labels.Slice(start, count);
        for (int i = 0; i < source.Length; i++) y[i] = source[i];
        return ToDevice(features, labels);
    }

    private (Tensor Features, Tensor Labels) Allocate(int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "A batch needs at least one example.");
        _featureShape[0] = count;
        _labelShape[0] = count;
        return (torch.empty(_featureShape, ScalarType.Float32, torch.CPU), torch.empty(_labelShape, ScalarType.Int64, torch.CPU));
    }

    private (Tensor Features, Tensor Labels) ToDevice(Tensor features, Tensor labels)
    {
        if (_device.type == DeviceType.CPU) return (features, labels);
        var moved = (features.to(_device), labels.to(_device));
        features.Dispose();
        labels.Dispose();
        return moved;
    }
}
