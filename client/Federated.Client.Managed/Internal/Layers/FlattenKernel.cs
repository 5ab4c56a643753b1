namespace Federated.Client.Managed.Internal.Layers;

/// <summary>Batches are already flat per example, so flattening only copies (and copies the gradient back).</summary>
internal sealed class FlattenKernel(int width) : LayerKernel(width, width)
{
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, bool training) =>
        input[..(batch * InputWidth)].CopyTo(output);

    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch)
    {
        if (!inputGradient.IsEmpty) outputGradient[..(batch * InputWidth)].CopyTo(inputGradient);
    }
}
