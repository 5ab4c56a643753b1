using Federated.Edge.Quantization;
using Federated.Shared.Models;

namespace Federated.Tests.Edge.Quantization;

/// <summary>
/// The contract's INT8 arithmetic written as plainly as possible, independently of the engine:
/// nested loops over CHW indices, <c>acc = bias + Σ (x − inZp)·w</c> with no zero-point folding, no
/// im2col and no SIMD. <paramref name="onWeightLayer"/> sees each conv2d/linear layer's int8 input and output.
/// </summary>
internal static class NaiveInt8Reference
{
    public static sbyte[] Run(QuantizedModel model, ReadOnlySpan<sbyte> input, Action<int, sbyte[], sbyte[]>? onWeightLayer = null)
    {
        ModelArchitecture architecture = model.Architecture;
        int[] shape = architecture.InputShape.ToArray();
        sbyte[] x = input.ToArray();
        for (int i = 0; i < architecture.Layers.Count; i++)
        {
            int inZp = model.Activations[i].ZeroPoint;
            int outZp = model.Activations[i + 1].ZeroPoint;
            int[] outShape = architecture.Layers[i].OutputShape(shape);
            sbyte[] y;
            switch (architecture.Layers[i])
            {
                case Conv2dLayer conv:
                {
                    QuantizedWeights w = model.WeightsOf(i)!;
                    int k = conv.KernelSize, h = shape[1], wd = shape[2], oh = outShape[1], ow = outShape[2];
                    y = new sbyte[conv.OutChannels * oh * ow];
                    for (int c = 0; c < conv.OutChannels; c++)
                    for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        int acc = w.Bias[c];
                        for (int ic = 0; ic < conv.InChannels; ic++)
                        for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                            acc += (x[(ic * h + oy + ky) * wd + ox + kx] - inZp) * w.Weights[((c * conv.InChannels + ic) * k + ky) * k + kx];
                        y[(c * oh + oy) * ow + ox] = Output(model, i, acc, w.Multipliers[c], w.Shifts[c], outZp);
                    }
                    onWeightLayer?.Invoke(i, x, y);
                    break;
                }
                case LinearLayer linear:
                {
                    QuantizedWeights w = model.WeightsOf(i)!;
                    y = new sbyte[linear.OutFeatures];
                    for (int o = 0; o < linear.OutFeatures; o++)
                    {
                        int acc = w.Bias[o];
                        for (int f = 0; f < linear.InFeatures; f++) acc += (x[f] - inZp) * w.Weights[o * linear.InFeatures + f];
                        y[o] = Output(model, i, acc, w.Multipliers[o], w.Shifts[o], outZp);
                    }
                    onWeightLayer?.Invoke(i, x, y);
                    break;
                }
                case ReluLayer:
                    y = new sbyte[x.Length];
                    for (int j = 0; j < x.Length; j++) y[j] = (sbyte)Math.Max((int)x[j], inZp);
                    break;
                case MaxPool2dLayer pool:
                {
                    int k = pool.KernelSize, h = shape[1], wd = shape[2], oh = outShape[1], ow = outShape[2];
                    y = new sbyte[shape[0] * oh * ow];
                    for (int c = 0; c < shape[0]; c++)
                    for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        int max = -128;
                        for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                            max = Math.Max(max, x[(c * h + oy * k + ky) * wd + ox * k + kx]);
                        y[(c * oh + oy) * ow + ox] = (sbyte)max;
                    }
                    break;
                }
                default:
                    y = x;
                    break;
            }
            x = y;
            shape = outShape;
        }
        return x;
    }

    private static sbyte Output(QuantizedModel model, int layer, int acc, int multiplier, int shift, int outZp)
    {
        int low = model.HasFusedRelu(layer) ? outZp : -128;
        return (sbyte)Math.Clamp(Requantization.Requantize(acc, multiplier, shift) + outZp, low, 127);
    }
}
