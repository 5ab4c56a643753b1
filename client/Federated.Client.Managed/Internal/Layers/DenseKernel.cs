using System.Numerics.Tensors;

namespace Federated.Client.Managed.Internal.Layers;

/// <summary>
/// A fully connected layer, y = x·Wᵀ + b, with PyTorch's layout: W is [out, in] row-major, so
/// every output is a dot product of two contiguous rows.
/// </summary>
internal sealed class DenseKernel : LayerKernel
{
    private readonly Memory<float> _weight;
    private readonly Memory<float> _bias;
    private readonly Memory<float> _weightGradient;
    private readonly Memory<float> _biasGradient;

    public DenseKernel(int inFeatures, int outFeatures, ParameterSlices slices)
        : base(inFeatures, outFeatures)
    {
        _weight = slices.Weight;
        _bias = slices.Bias;
        _weightGradient = slices.WeightGradient;
        _biasGradient = slices.BiasGradient;
    }

    public override bool HasParameters => true;

    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, bool training)
    {
        int inFeatures = InputWidth, outFeatures = OutputWidth;
        MatrixMultiply.MultiplyByTransposed(input, inFeatures, _weight.Span, inFeatures, output, outFeatures, batch, outFeatures, inFeatures, accumulate: false);
        ReadOnlySpan<float> bias = _bias.Span;
        for (int row = 0; row < batch; row++)
        {
            Span<float> outputRow = output.Slice(row * outFeatures, outFeatures);
            TensorPrimitives.Add(outputRow, bias, outputRow);
        }
    }

    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch)
    {
        int inFeatures = InputWidth, outFeatures = OutputWidth;
        // ∂W = ∂Yᵀ·X: ∂Y read transposed through its strides, no copy.
        MatrixMultiply.Multiply(outputGradient, 1, outFeatures, input, inFeatures, _weightGradient.Span, inFeatures, outFeatures, inFeatures, batch, accumulate: false);

        Span<float> biasGradient = _biasGradient.Span;
        biasGradient.Clear();
        for (int row = 0; row < batch; row++)
            TensorPrimitives.Add(biasGradient, outputGradient.Slice(row * outFeatures, outFeatures), biasGradient);

        // ∂X = ∂Y·W.
        if (!inputGradient.IsEmpty)
            MatrixMultiply.Multiply(outputGradient, outFeatures, 1, _weight.Span, inFeatures, inputGradient, inFeatures, batch, inFeatures, outFeatures, accumulate: false);
    }
}
