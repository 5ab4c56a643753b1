using System.Numerics.Tensors;

namespace Federated.Edge.Reference.Internal;

/// <summary>
/// FP32 layer kernels over flat CHW buffers with PyTorch's semantics (conv2d stride 1 without
/// padding, linear <c>y = W·x + b</c>, max pooling with stride = window and the remainder dropped).
/// Inner products go through <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// </summary>
internal static class FloatKernels
{
    /// <summary>
    /// Convolution as im2col + one dot product per (channel, position). Each patch row holds the
    /// input values in the weight's own [in, ky, kx] order, so a weight row and a patch row line up.
    /// </summary>
    public static void Conv2d(
        ReadOnlySpan<float> input, int inChannels, int height, int width,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outChannels, int kernel,
        Span<float> patches, Span<float> output)
    {
        int outHeight = height - kernel + 1;
        int outWidth = width - kernel + 1;
        int positions = outHeight * outWidth;
        int patchLength = inChannels * kernel * kernel;
        Im2Col.Fill(input, inChannels, height, width, kernel, patches);
        for (int c = 0; c < outChannels; c++)
        {
            ReadOnlySpan<float> row = weights.Slice(c * patchLength, patchLength);
            Span<float> plane = output.Slice(c * positions, positions);
            float b = bias[c];
            for (int p = 0; p < positions; p++)
                plane[p] = b + TensorPrimitives.Dot(row, patches.Slice(p * patchLength, patchLength));
        }
    }

    public static void Linear(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output)
    {
        int inFeatures = input.Length;
        for (int o = 0; o < output.Length; o++)
            output[o] = bias[o] + TensorPrimitives.Dot(weights.Slice(o * inFeatures, inFeatures), input);
    }

    public static void MaxPool2d(ReadOnlySpan<float> input, int channels, int height, int width, int kernel, Span<float> output)
    {
        int outHeight = height / kernel;
        int outWidth = width / kernel;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = input.Slice(c * height * width, height * width);
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    float max = float.NegativeInfinity;
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        ReadOnlySpan<float> run = plane.Slice((oy * kernel + ky) * width + ox * kernel, kernel);
                        for (int kx = 0; kx < run.Length; kx++)
                        {
                            // NaN propagates, as in PyTorch.
                            float v = run[kx];
                            if (v > max || float.IsNaN(v)) max = v;
                        }
                    }
                    output[(c * outHeight + oy) * outWidth + ox] = max;
                }
            }
        }
    }
}
