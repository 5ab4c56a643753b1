namespace Federated.Client.Managed.Internal.Layers;

/// <summary>
/// PyTorch's <c>MaxPool2d(k)</c>: square windows, stride k, leftover rows and columns dropped.
/// Ties go to the first value in row-major window order and NaN wins, as in PyTorch, so the
/// backward pass routes each gradient to the same input PyTorch would.
/// </summary>
internal sealed class MaxPoolKernel : LayerKernel
{
    private readonly int _channels;
    private readonly int _height;
    private readonly int _width;
    private readonly int _size;
    private readonly int[]? _winners;

    /// <param name="batchCapacity">Examples per batch to remember winners for; 0 for a forward-only layer.</param>
    public MaxPoolKernel(int channels, int height, int width, int size, int batchCapacity)
        : base(channels * height * width, channels * (height / size) * (width / size))
    {
        _channels = channels;
        _height = height;
        _width = width;
        _size = size;
        _winners = batchCapacity > 0 ? new int[batchCapacity * OutputWidth] : null;
    }

    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, bool training)
    {
        int rowsOut = _height / _size, columnsOut = _width / _size;
        Span<int> winners = _winners;
        for (int example = 0; example < batch; example++)
        {
            ReadOnlySpan<float> source = input.Slice(example * InputWidth, InputWidth);
            int outputBase = example * OutputWidth;
            for (int channel = 0; channel < _channels; channel++)
            {
                for (int y = 0; y < rowsOut; y++)
                {
                    for (int x = 0; x < columnsOut; x++)
                    {
                        int best = (channel * _height + y * _size) * _width + x * _size;
                        for (int dy = 0; dy < _size; dy++)
                        {
                            int rowStart = (channel * _height + y * _size + dy) * _width + x * _size;
                            for (int dx = 0; dx < _size; dx++)
                            {
                                float value = source[rowStart + dx];
                                if (value > source[best] || float.IsNaN(value)) best = rowStart + dx;
                            }
                        }
                        int at = outputBase + (channel * rowsOut + y) * columnsOut + x;
                        output[at] = source[best];
                        if (!winners.IsEmpty) winners[at] = best;
                    }
                }
            }
        }
    }

    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch)
    {
        if (inputGradient.IsEmpty) return;
        if (_winners is null) throw new InvalidOperationException("This max-pooling layer was built for forward passes only.");
        inputGradient[..(batch * InputWidth)].Clear();
        for (int example = 0; example < batch; example++)
        {
            Span<float> target = inputGradient.Slice(example * InputWidth, InputWidth);
            int outputBase = example * OutputWidth;
            for (int i = 0; i < OutputWidth; i++) target[_winners[outputBase + i]] += outputGradient[outputBase + i];
        }
    }
}
