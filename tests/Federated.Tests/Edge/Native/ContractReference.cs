using Federated.Edge.Quantization;
using Federated.Shared.Models;

namespace Federated.Tests.Edge.Native;

/// <summary>
/// The INT8 contract's arithmetic written out plainly in C#, independent of the code generator and
/// the C runtime: acc = bias + Σ (x − inZp)·w in NCHW order, Requantize, add the output zero point,
/// clamp (at the zero point for a fused ReLU). The oracle for the C tests on hand-built models.
/// </summary>
internal static class ContractReference
{
    public static sbyte[] Run(QuantizedModel model, ReadOnlySpan<sbyte> input)
    {
        var layers = model.Architecture.Layers;
        var shape = model.Architecture.InputShape.ToArray();
        sbyte[] x = input.ToArray();
        for (int i = 0; i < layers.Count; i++)
        {
            var inQ = model.Activations[i];
            var outQ = model.Activations[i + 1];
            switch (layers[i])
            {
                case LinearLayer linear:
                {
                    var q = model.WeightsOf(i)!;
                    int low = model.HasFusedRelu(i) ? outQ.ZeroPoint : -128;
                    var y = new sbyte[linear.OutFeatures];
                    for (int o = 0; o < linear.OutFeatures; o++)
                    {
                        int acc = q.Bias[o];
                        for (int k = 0; k < linear.InFeatures; k++) acc += (x[k] - inQ.ZeroPoint) * q.Weights[o * linear.InFeatures + k];
                        y[o] = Finish(acc, q, o, outQ.ZeroPoint, low);
                    }
                    (x, shape) = (y, [linear.OutFeatures]);
                    break;
                }
                case Conv2dLayer conv:
                {
                    var q = model.WeightsOf(i)!;
                    int low = model.HasFusedRelu(i) ? outQ.ZeroPoint : -128;
                    int k = conv.KernelSize, h = shape[1], w = shape[2], oh = h - k + 1, ow = w - k + 1;
                    var y = new sbyte[conv.OutChannels * oh * ow];
                    for (int oc = 0; oc < conv.OutChannels; oc++)
                        for (int oy = 0; oy < oh; oy++)
                            for (int ox = 0; ox < ow; ox++)
                            {
                                int acc = q.Bias[oc];
                                for (int ic = 0; ic < conv.InChannels; ic++)
                                    for (int ky = 0; ky < k; ky++)
                                        for (int kx = 0; kx < k; kx++)
                                            acc += (x[(ic * h + oy + ky) * w + ox + kx] - inQ.ZeroPoint) * q.Weights[((oc * conv.InChannels + ic) * k + ky) * k + kx];
                                y[(oc * oh + oy) * ow + ox] = Finish(acc, q, oc, outQ.ZeroPoint, low);
                            }
                    (x, shape) = (y, [conv.OutChannels, oh, ow]);
                    break;
                }
                case ReluLayer:
                    if (i > 0 && model.HasFusedRelu(i - 1)) break; // already clamped by the layer before
                    for (int j = 0; j < x.Length; j++) x[j] = (sbyte)Math.Max(x[j], inQ.ZeroPoint);
                    break;
                case MaxPool2dLayer pool:
                {
                    int k = pool.KernelSize, c = shape[0], h = shape[1], w = shape[2], oh = h / k, ow = w / k;
                    var y = new sbyte[c * oh * ow];
                    for (int ch = 0; ch < c; ch++)
                        for (int oy = 0; oy < oh; oy++)
                            for (int ox = 0; ox < ow; ox++)
                            {
                                int best = sbyte.MinValue;
                                for (int ky = 0; ky < k; ky++)
                                    for (int kx = 0; kx < k; kx++) best = Math.Max(best, x[(ch * h + oy * k + ky) * w + ox * k + kx]);
                                y[(ch * oh + oy) * ow + ox] = (sbyte)best;
                            }
                    (x, shape) = (y, [c, oh, ow]);
                    break;
                }
                case FlattenLayer:
                    shape = [x.Length];
                    break;
                case DropoutLayer:
                    break;
                default:
                    throw new NotSupportedException(layers[i].ToText());
            }
        }
        return x;
    }

    private static sbyte Finish(int acc, QuantizedWeights q, int channel, int zeroPoint, int low) =>
        (sbyte)Math.Clamp(Requantization.Requantize(acc, q.Multipliers[channel], q.Shifts[channel]) + zeroPoint, low, 127);
}
