using System.Numerics.Tensors;

namespace Federated.Client.Managed.Internal.Layers;

/// <summary>
/// PyTorch's <c>Conv2d(in, out, k)</c> (stride 1, no padding) as matrix products: each example's
/// input is unrolled into a (in·k·k) × (outH·outW) matrix (im2col), so the convolution is
/// W·col with W [out, in·k·k] row-major — exactly PyTorch's weight layout. The unrolled matrix
/// is one scratch buffer rebuilt per example (forward and backward) rather than kept per batch,
/// which would cost in·k·k times the input's memory.
/// </summary>
internal sealed class ConvolutionKernel : LayerKernel
{
    private readonly ConvolutionGeometry _geometry;
    private readonly Memory<float> _weight;
    private readonly Memory<float> _bias;
    private readonly Memory<float> _weightGradient;
    private readonly Memory<float> _biasGradient;
    private readonly float[] _columns;
    private float[]? _columnGradient;

    public ConvolutionKernel(ConvolutionGeometry geometry, ParameterSlices slices)
        : base(geometry.InputWidth, geometry.OutputWidth)
    {
        _geometry = geometry;
        _weight = slices.Weight;
        _bias = slices.Bias;
        _weightGradient = slices.WeightGradient;
        _biasGradient = slices.BiasGradient;
        _columns = new float[geometry.PatchLength * geometry.OutputPlane];
    }

    public override bool HasParameters => true;

    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, bool training)
    {
        int patch = _geometry.PatchLength, plane = _geometry.OutputPlane, channels = _geometry.OutChannels;
        ReadOnlySpan<float> weight = _weight.Span, bias = _bias.Span;
        for (int example = 0; example < batch; example++)
        {
            _geometry.Unfold(input.Slice(example * InputWidth, InputWidth), _columns);
            Span<float> result = output.Slice(example * OutputWidth, OutputWidth);
            MatrixMultiply.Multiply(weight, patch, 1, _columns, plane, result, plane, channels, plane, patch, accumulate: false);
            for (int channel = 0; channel < channels; channel++)
            {
                Span<float> map = result.Slice(channel * plane, plane);
                TensorPrimitives.Add(map, bias[channel], map);
            }
        }
    }

    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch)
    {
        int patch = _geometry.PatchLength, plane = _geometry.OutputPlane, channels = _geometry.OutChannels;
        Span<float> weightGradient = _weightGradient.Span, biasGradient = _biasGradient.Span;
        ReadOnlySpan<float> weight = _weight.Span;
        weightGradient.Clear();
        biasGradient.Clear();
        if (!inputGradient.IsEmpty) _columnGradient ??= new float[_columns.Length];
        for (int example = 0; example < batch; example++)
        {
            ReadOnlySpan<float> gradient = outputGradient.Slice(example * OutputWidth, OutputWidth);
            _geometry.Unfold(input.Slice(example * InputWidth, InputWidth), _columns);
            // ∂W += ∂Y·colᵀ: rows of ∂Y against rows of col, both contiguous.
            MatrixMultiply.MultiplyByTransposed(gradient, plane, _columns, plane, weightGradient, patch, channels, patch, plane, accumulate: true);
            for (int channel = 0; channel < channels; channel++)
                biasGradient[channel] += TensorPrimitives.Sum(gradient.Slice(channel * plane, plane));
            if (inputGradient.IsEmpty) continue;
            // ∂col = Wᵀ·∂Y, then every unrolled position adds back into the input it came from.
            MatrixMultiply.Multiply(weight, 1, patch, gradient, plane, _columnGradient, plane, patch, plane, channels, accumulate: false);
            Span<float> exampleGradient = inputGradient.Slice(example * InputWidth, InputWidth);
            exampleGradient.Clear();
            _geometry.Fold(_columnGradient, exampleGradient);
        }
    }
}
