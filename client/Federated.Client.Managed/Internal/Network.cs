using Federated.Client.Managed.Internal.Layers;
using Federated.Shared.Models;

namespace Federated.Client.Managed.Internal;

/// <summary>
/// A run of consecutive layers of an architecture (all of them, a frozen trunk, or a head)
/// over the model's flat parameter buffer, with every activation buffer allocated once for
/// the largest batch. A forward-only network alternates between two buffers; a trainable one
/// keeps each layer's output (the backward pass reads them) and the gradients that flow down
/// to its first trained layer.
/// </summary>
internal sealed class Network
{
    private readonly LayerKernel[] _kernels;
    private readonly float[][] _activations;
    private readonly float[][] _gradients;
    private readonly int _firstTrainedKernel;
    private readonly bool _trainable;

    /// <param name="firstLayer">Index of the first layer to run.</param>
    /// <param name="endLayer">One past the last layer to run.</param>
    /// <param name="training">How to train, or null for a forward-only network.</param>
    public Network(ModelArchitecture architecture, int firstLayer, int endLayer, float[] parameters, int batchCapacity, NetworkTraining? training)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchCapacity, 1);
        if (firstLayer < 0 || endLayer > architecture.Layers.Count || firstLayer >= endLayer)
            throw new ArgumentOutOfRangeException(nameof(endLayer), $"Layers [{firstLayer}, {endLayer}) are not a non-empty range of the architecture's {architecture.Layers.Count}.");
        if (training is not null && (training.FirstTrainedLayer < firstLayer || training.FirstTrainedLayer >= endLayer))
            throw new ArgumentOutOfRangeException(nameof(training), training.FirstTrainedLayer, $"The first trained layer must be inside [{firstLayer}, {endLayer}).");

        int[] shape = ShapeBefore(architecture, firstLayer);
        _kernels = new LayerKernel[endLayer - firstLayer];
        for (int i = 0; i < _kernels.Length; i++)
        {
            LayerSpec layer = architecture.Layers[firstLayer + i];
            _kernels[i] = KernelFactory.Create(layer, firstLayer + i, shape, architecture.Layout, parameters, training, batchCapacity);
            shape = layer.OutputShape(shape);
        }
        BatchCapacity = batchCapacity;
        _trainable = training is not null;
        _firstTrainedKernel = training is null ? _kernels.Length : training.FirstTrainedLayer - firstLayer;
        _activations = _trainable ? AllocatePerBoundary(0) : AllocateAlternating();
        _gradients = _trainable ? AllocatePerBoundary(_firstTrainedKernel + 1) : [];
    }

    public int BatchCapacity { get; }

    /// <summary>Values per example entering the first layer.</summary>
    public int InputWidth => _kernels[0].InputWidth;

    /// <summary>Values per example leaving the last layer.</summary>
    public int OutputWidth => _kernels[^1].OutputWidth;

    /// <summary>Where the caller writes the next batch's inputs.</summary>
    public Span<float> Input(int batch) => _activations[0].AsSpan(0, batch * InputWidth);

    /// <summary>The last forward pass's outputs.</summary>
    public ReadOnlySpan<float> Output(int batch) => OutputBuffer.AsSpan(0, batch * OutputWidth);

    /// <summary>Where the caller writes ∂loss/∂output before <see cref="Backward"/>.</summary>
    public Span<float> OutputGradient(int batch)
    {
        if (!_trainable) throw new InvalidOperationException("This network was built for forward passes only.");
        return _gradients[_kernels.Length].AsSpan(0, batch * OutputWidth);
    }

    private float[] OutputBuffer => _activations[_trainable ? _kernels.Length : _kernels.Length % 2];

    public void Forward(int batch, bool training)
    {
        CheckBatch(batch);
        if (training && !_trainable) throw new InvalidOperationException("This network was built for forward passes only.");
        for (int i = 0; i < _kernels.Length; i++)
        {
            float[] input = _trainable ? _activations[i] : _activations[i % 2];
            float[] output = _trainable ? _activations[i + 1] : _activations[(i + 1) % 2];
            _kernels[i].Forward(input, output, batch, training);
        }
    }

    /// <summary>
    /// Back-propagates <see cref="OutputGradient"/> down to the first trained layer, leaving
    /// every trained layer's parameter gradients in the flat gradient buffer.
    /// </summary>
    public void Backward(int batch)
    {
        CheckBatch(batch);
        if (!_trainable) throw new InvalidOperationException("This network was built for forward passes only.");
        for (int i = _kernels.Length - 1; i >= _firstTrainedKernel; i--)
        {
            // The first trained layer's input gradient would flow only into frozen layers or the data.
            Span<float> inputGradient = i > _firstTrainedKernel ? _gradients[i] : Span<float>.Empty;
            _kernels[i].Backward(_activations[i], _activations[i + 1], _gradients[i + 1], inputGradient, batch);
        }
    }

    private void CheckBatch(int batch)
    {
        if (batch < 1 || batch > BatchCapacity)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"A batch holds 1 to {BatchCapacity} examples.");
    }

    private static int[] ShapeBefore(ModelArchitecture architecture, int layer)
    {
        int[] shape = architecture.InputShape.ToArray();
        for (int i = 0; i < layer; i++) shape = architecture.Layers[i].OutputShape(shape);
        return shape;
    }

    /// <summary>One buffer per boundary from <paramref name="first"/> on (boundary i enters kernel i); those before stay empty.</summary>
    private float[][] AllocatePerBoundary(int first)
    {
        var buffers = new float[_kernels.Length + 1][];
        for (int i = 0; i <= _kernels.Length; i++)
        {
            int width = i < _kernels.Length ? _kernels[i].InputWidth : _kernels[^1].OutputWidth;
            buffers[i] = i >= first ? new float[BatchCapacity * width] : [];
        }
        return buffers;
    }

    /// <summary>Two buffers wide enough for any boundary: layer i reads one and writes the other.</summary>
    private float[][] AllocateAlternating()
    {
        int widest = _kernels[^1].OutputWidth;
        foreach (var kernel in _kernels) widest = Math.Max(widest, kernel.InputWidth);
        return [new float[BatchCapacity * widest], new float[BatchCapacity * widest]];
    }
}
