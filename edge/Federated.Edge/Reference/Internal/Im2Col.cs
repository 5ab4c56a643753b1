namespace Federated.Edge.Reference.Internal;

/// <summary>
/// im2col for a stride-1, unpadded convolution over a CHW tensor: one row per output position
/// holding its input window in the weight's own [in, ky, kx] order, so that each output value is
/// one dot product of a weight row with a patch row.
/// </summary>
internal static class Im2Col
{
    /// <summary>Copies every k×k window of every channel into one row per output position.</summary>
    public static void Fill<T>(ReadOnlySpan<T> input, int inChannels, int height, int width, int kernel, Span<T> patches)
    {
        int outHeight = height - kernel + 1;
        int outWidth = width - kernel + 1;
        int patchLength = inChannels * kernel * kernel;
        for (int oy = 0; oy < outHeight; oy++)
        {
            for (int ox = 0; ox < outWidth; ox++)
            {
                Span<T> patch = patches.Slice((oy * outWidth + ox) * patchLength, patchLength);
                int k = 0;
                for (int ic = 0; ic < inChannels; ic++)
                {
                    int channelStart = ic * height * width;
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        input.Slice(channelStart + (oy + ky) * width + ox, kernel).CopyTo(patch.Slice(k, kernel));
                        k += kernel;
                    }
                }
            }
        }
    }
}
