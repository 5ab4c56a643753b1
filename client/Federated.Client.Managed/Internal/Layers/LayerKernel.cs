namespace Federated.Client.Managed.Internal.Layers;

/// <summary>
/// One layer's arithmetic over a batch held as a flat row-major span (batch × width, each
/// example in PyTorch's C×H×W order). Kernels are called once per batch, never per element, and
/// keep whatever per-batch state their backward pass needs (dropout masks, pooling winners) in
/// buffers sized once for the largest batch.
/// </summary>
internal abstract class LayerKernel
{
    protected LayerKernel(int inputWidth, int outputWidth)
    {
        InputWidth = inputWidth;
        OutputWidth = outputWidth;
    }

    /// <summary>Values per example entering the layer.</summary>
    public int InputWidth { get; }

    /// <summary>Values per example leaving the layer.</summary>
    public int OutputWidth { get; }

    /// <summary>Whether the layer owns trainable parameters (and so writes parameter gradients).</summary>
    public virtual bool HasParameters => false;

    /// <summary>Computes <paramref name="output"/> from <paramref name="input"/>; <paramref name="training"/> turns dropout on.</summary>
    public abstract void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, bool training);

    /// <summary>
    /// Given ∂loss/∂output, writes the parameter gradients (overwriting last batch's) and, unless
    /// <paramref name="inputGradient"/> is empty, ∂loss/∂input. <paramref name="input"/> and
    /// <paramref name="output"/> are the last forward pass's.
    /// </summary>
    public abstract void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch);
}
