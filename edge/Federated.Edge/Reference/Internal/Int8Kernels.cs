using System.Numerics.Tensors;
using Federated.Edge.Quantization;

namespace Federated.Edge.Reference.Internal;

/// <summary>
/// INT8 layer kernels with the contract's arithmetic (see <see cref="QuantizedModel"/> and
/// <see cref="Requantization"/>): per output channel <c>acc = bias[c] + Σ (x − inZp)·w</c> in int32,
/// then <c>clamp(Requantize(acc, multiplier[c], shift[c]) + outZp, low, 127)</c> with
/// <c>low = outZp</c> for a fused ReLU and −128 otherwise.
/// <para>
/// The input zero point is folded into the bias once per layer
/// (<c>bias[c] − inZp · Σ w</c>, the offset folding of gemmlowp and of CMSIS-NN's kernel sums), so the inner loop is a plain int8 dot
/// product. In two's-complement int32 this is the same sum with the terms regrouped, so every
/// accumulator is bit-identical to the direct formula.
/// </para>
/// </summary>
internal static class Int8Kernels
{
    /// <summary><c>bias[c] − inputZeroPoint · Σ_k w[c, k]</c> for every output channel, wrapping like int32 C code.</summary>
    public static int[] FoldZeroPoint(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, int inputZeroPoint)
    {
        int channels = bias.Length;
        int perChannel = weights.Length / channels;
        var folded = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            int sum = 0;
            foreach (sbyte w in weights.Slice(c * perChannel, perChannel)) sum += w;
            folded[c] = unchecked(bias[c] - inputZeroPoint * sum);
        }
        return folded;
    }

    public static void Conv2d(
        ReadOnlySpan<sbyte> input, int inChannels, int height, int width, int kernel,
        ReadOnlySpan<short> weights, in LayerRequantization q, Span<short> widened, Span<short> patches, Span<sbyte> output)
    {
        int outHeight = height - kernel + 1;
        int outWidth = width - kernel + 1;
        int positions = outHeight * outWidth;
        int patchLength = inChannels * kernel * kernel;
        // Widen the whole input once (vectorized), then im2col copies int16 runs.
        Span<short> wide = widened.Slice(0, input.Length);
        TensorPrimitives.ConvertChecked<sbyte, short>(input, wide);
        Im2Col.Fill<short>(wide, inChannels, height, width, kernel, patches);
        int channels = q.FoldedBias.Length;
        int c = 0;
        Span<int> sums = stackalloc int[4];
        // Four output channels at a time share each patch load; the rest one by one.
        for (; c <= channels - 4; c += 4)
        {
            ReadOnlySpan<short> w0 = weights.Slice(c * patchLength, patchLength);
            ReadOnlySpan<short> w1 = weights.Slice((c + 1) * patchLength, patchLength);
            ReadOnlySpan<short> w2 = weights.Slice((c + 2) * patchLength, patchLength);
            ReadOnlySpan<short> w3 = weights.Slice((c + 3) * patchLength, patchLength);
            for (int p = 0; p < positions; p++)
            {
                Int16Dot.Dot4(patches.Slice(p * patchLength, patchLength), w0, w1, w2, w3, sums);
                for (int j = 0; j < 4; j++)
                    output[(c + j) * positions + p] = q.Output(q.FoldedBias[c + j] + sums[j], q.Multipliers[c + j], q.Shifts[c + j]);
            }
        }
        for (; c < channels; c++)
        {
            ReadOnlySpan<short> row = weights.Slice(c * patchLength, patchLength);
            Span<sbyte> plane = output.Slice(c * positions, positions);
            int bias = q.FoldedBias[c];
            int multiplier = q.Multipliers[c];
            int shift = q.Shifts[c];
            for (int p = 0; p < positions; p++)
                plane[p] = q.Output(bias + Int16Dot.Dot(row, patches.Slice(p * patchLength, patchLength)), multiplier, shift);
        }
    }

    public static void Linear(ReadOnlySpan<sbyte> input, ReadOnlySpan<short> weights, in LayerRequantization q, Span<short> widened, Span<sbyte> output)
    {
        int inFeatures = input.Length;
        Span<short> x = widened.Slice(0, inFeatures);
        TensorPrimitives.ConvertChecked<sbyte, short>(input, x);
        for (int o = 0; o < output.Length; o++)
        {
            int acc = q.FoldedBias[o] + Int16Dot.Dot(weights.Slice(o * inFeatures, inFeatures), x);
            output[o] = q.Output(acc, q.Multipliers[o], q.Shifts[o]);
        }
    }

    /// <summary>ReLU on int8 values: everything below the zero point (real 0) becomes the zero point.</summary>
    public static void Relu(ReadOnlySpan<sbyte> input, int zeroPoint, Span<sbyte> output) =>
        TensorPrimitives.Max(input, (sbyte)zeroPoint, output);

    /// <summary>Max pooling in int8: the quantization is monotonic and shared, so the max of codes is the code of the max.</summary>
    public static void MaxPool2d(ReadOnlySpan<sbyte> input, int channels, int height, int width, int kernel, Span<sbyte> output)
    {
        int outHeight = height / kernel;
        int outWidth = width / kernel;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<sbyte> plane = input.Slice(c * height * width, height * width);
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    int max = sbyte.MinValue;
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        ReadOnlySpan<sbyte> run = plane.Slice((oy * kernel + ky) * width + ox * kernel, kernel);
                        for (int kx = 0; kx < run.Length; kx++) max = Math.Max(max, run[kx]);
                    }
                    output[(c * outHeight + oy) * outWidth + ox] = (sbyte)max;
                }
            }
        }
    }
}
