using System.Numerics.Tensors;

namespace Federated.Client.Managed.Internal.Layers;

/// <summary>
/// The shapes of a stride-1, unpadded convolution and the im2col unrolling between an example
/// (C×H×W) and its patch matrix: row (c, ky, kx) — PyTorch's weight order — holds, for every
/// output position (y, x), the input value at (c, y + ky, x + kx).
/// </summary>
internal sealed record ConvolutionGeometry(int InChannels, int OutChannels, int KernelSize, int Height, int Width)
{
    public int OutputHeight => Height - KernelSize + 1;

    public int OutputWidthPixels => Width - KernelSize + 1;

    /// <summary>Output positions per channel.</summary>
    public int OutputPlane => OutputHeight * OutputWidthPixels;

    /// <summary>Values under one kernel placement: in·k·k.</summary>
    public int PatchLength => InChannels * KernelSize * KernelSize;

    /// <summary>Values per example entering the layer.</summary>
    public int InputWidth => InChannels * Height * Width;

    /// <summary>Values per example leaving the layer.</summary>
    public int OutputWidth => OutChannels * OutputPlane;

    /// <summary>Writes the patch matrix of <paramref name="example"/>, one contiguous row segment per copy.</summary>
    public void Unfold(ReadOnlySpan<float> example, Span<float> columns)
    {
        int rowsOut = OutputHeight, columnsOut = OutputWidthPixels, plane = OutputPlane;
        for (int channel = 0; channel < InChannels; channel++)
        {
            for (int ky = 0; ky < KernelSize; ky++)
            {
                for (int kx = 0; kx < KernelSize; kx++)
                {
                    Span<float> row = columns.Slice(((channel * KernelSize + ky) * KernelSize + kx) * plane, plane);
                    for (int y = 0; y < rowsOut; y++)
                        example.Slice((channel * Height + y + ky) * Width + kx, columnsOut).CopyTo(row.Slice(y * columnsOut, columnsOut));
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Unfold"/>: adds every patch-matrix entry into the input position it was read from.</summary>
    public void Fold(ReadOnlySpan<float> columns, Span<float> example)
    {
        int rowsOut = OutputHeight, columnsOut = OutputWidthPixels, plane = OutputPlane;
        for (int channel = 0; channel < InChannels; channel++)
        {
            for (int ky = 0; ky < KernelSize; ky++)
            {
                for (int kx = 0; kx < KernelSize; kx++)
                {
                    ReadOnlySpan<float> row = columns.Slice(((channel * KernelSize + ky) * KernelSize + kx) * plane, plane);
                    for (int y = 0; y < rowsOut; y++)
                    {
                        Span<float> target = example.Slice((channel * Height + y + ky) * Width + kx, columnsOut);
                        TensorPrimitives.Add(target, row.Slice(y * columnsOut, columnsOut), target);
                    }
                }
            }
        }
    }
}
