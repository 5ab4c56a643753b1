using System.Numerics.Tensors;

namespace Federated.Client.Managed.Internal.Layers;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014) with PyTorch's semantics: while training, zero each
/// value with probability p and scale the rest by 1/(1−p); identity at inference. The mask is
/// kept as the factor each value was multiplied by, so the backward pass is one multiply.
/// </summary>
internal sealed class DropoutKernel : LayerKernel
{
    private readonly float _probability;
    private readonly float _keptScale;
    private readonly float[]? _mask;
    private readonly UniformSource? _random;
    private bool _masked;

    /// <param name="random">Where masks come from; null for a forward-only layer (inference), which needs no mask.</param>
    public DropoutKernel(int width, double probability, int batchCapacity, UniformSource? random)
        : base(width, width)
    {
        _probability = (float)probability;
        _keptScale = (float)(1 / (1 - probability));
        _random = random;
        _mask = random is null ? null : new float[batchCapacity * width];
    }

    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, bool training)
    {
        int length = batch * InputWidth;
        _masked = training && _probability > 0;
        if (!_masked)
        {
            input[..length].CopyTo(output);
            return;
        }
        if (_random is null || _mask is null) throw new InvalidOperationException("This dropout layer was built for inference only.");
        Span<float> mask = _mask.AsSpan(0, length);
        for (int i = 0; i < mask.Length; i++)
            mask[i] = _random.NextSingle() >= _probability ? _keptScale : 0f;
        TensorPrimitives.Multiply(input[..length], mask, output[..length]);
    }

    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch)
    {
        if (inputGradient.IsEmpty) return;
        int length = batch * InputWidth;
        if (_masked) TensorPrimitives.Multiply(outputGradient[..length], _mask.AsSpan(0, length), inputGradient[..length]);
        else outputGradient[..length].CopyTo(inputGradient);
    }
}
