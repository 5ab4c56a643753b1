using System.Globalization;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Client.Managed.Internal.Layers;

/// <summary>Builds the kernel for one layer of an architecture, wired to its slices of the flat parameter buffers.</summary>
internal static class KernelFactory
{
    /// <summary>Refuses, before any work starts, an architecture with a layer kind this trainer does not know.</summary>
    public static void EnsureSupported(ModelArchitecture architecture)
    {
        for (int i = 0; i < architecture.Layers.Count; i++)
        {
            LayerSpec layer = architecture.Layers[i];
            if (layer is not (LinearLayer or Conv2dLayer or MaxPool2dLayer or ReluLayer or DropoutLayer or FlattenLayer))
                throw Unsupported(layer, i);
        }
    }

    /// <param name="training">Gradients and dropout's mask source; null for a forward-only kernel.</param>
    public static LayerKernel Create(
        LayerSpec layer, int index, ReadOnlySpan<int> inputShape, ParameterLayout layout,
        float[] parameters, NetworkTraining? training, int batchCapacity)
    {
        int width = 1;
        foreach (int dim in inputShape) width *= dim;
        bool backward = training is not null;
        return layer switch
        {
            LinearLayer linear => new DenseKernel(linear.InFeatures, linear.OutFeatures, Slices(index, layout, parameters, training)),
            Conv2dLayer conv => new ConvolutionKernel(
                new ConvolutionGeometry(conv.InChannels, conv.OutChannels, conv.KernelSize, inputShape[1], inputShape[2]),
                Slices(index, layout, parameters, training)),
            MaxPool2dLayer pool => new MaxPoolKernel(inputShape[0], inputShape[1], inputShape[2], pool.KernelSize, backward ? batchCapacity : 0),
            ReluLayer => new ReluKernel(width),
            DropoutLayer dropout => new DropoutKernel(width, dropout.Probability, batchCapacity, training?.Random),
            FlattenLayer => new FlattenKernel(width),
            _ => throw Unsupported(layer, index),
        };
    }

    private static NotSupportedException Unsupported(LayerSpec layer, int index) =>
        new($"Layer {index} ({layer.ToText()}) has no managed implementation; the managed trainer knows linear, conv2d, maxpool2d, relu, dropout and flatten.");

    private static ParameterSlices Slices(int index, ParameterLayout layout, float[] parameters, NetworkTraining? training)
    {
        var (weightOffset, weightLength) = Locate(layout, string.Create(CultureInfo.InvariantCulture, $"{index}.weight"));
        var (biasOffset, biasLength) = Locate(layout, string.Create(CultureInfo.InvariantCulture, $"{index}.bias"));
        // Layers below the first trained one never run backward, so they get no gradient slices.
        bool trained = training is not null && weightOffset >= training.GradientOffset;
        return new ParameterSlices(
            parameters.AsMemory(weightOffset, weightLength),
            parameters.AsMemory(biasOffset, biasLength),
            trained ? training!.Gradients.AsMemory(weightOffset - training.GradientOffset, weightLength) : Memory<float>.Empty,
            trained ? training!.Gradients.AsMemory(biasOffset - training.GradientOffset, biasLength) : Memory<float>.Empty);
    }

    private static (int Offset, int Length) Locate(ParameterLayout layout, string name)
    {
        int tensor = layout.IndexOf(name);
        return (layout.OffsetOf(tensor), layout.Tensors[tensor].ElementCount);
    }
}
