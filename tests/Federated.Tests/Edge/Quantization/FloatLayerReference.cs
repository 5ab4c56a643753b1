using Federated.Edge.Quantization;
using Federated.Shared.Models;

namespace Federated.Tests.Edge.Quantization;

/// <summary>
/// One conv2d/linear layer the textbook way, in double: dequantize the int8 input, weights and
/// bias, compute the real output, quantize it with the output's parameters (ReLU first when fused).
/// It rounds once where the integer engine rounds twice, so the two may differ by one code.
/// </summary>
internal static class FloatLayerReference
{
    public static sbyte[] Run(QuantizedModel model, int layer, sbyte[] input)
    {
        ActivationQuantization inQ = model.Activations[layer];
        ActivationQuantization outQ = model.Activations[layer + 1];
        QuantizedWeights w = model.WeightsOf(layer)!;
        LayerSpec spec = model.Architecture.Layers[layer];
        int[] inShape = ShapeBefore(model.Architecture, layer);
        int[] outShape = spec.OutputShape(inShape);
        int outLength = 1;
        foreach (int d in outShape) outLength *= d;
        var real = new double[outLength];
        int channels = w.OutputChannels;
        int perChannel = w.Weights.Length / channels;
        int positions = outLength / channels;
        for (int c = 0; c < channels; c++)
        {
            double biasReal = w.Bias[c] * (double)(inQ.Scale * w.WeightScales[c]);
            for (int p = 0; p < positions; p++)
            {
                double sum = biasReal;
                for (int k = 0; k < perChannel; k++)
                {
                    int index = spec is Conv2dLayer conv ? ConvInputIndex(conv, inShape, outShape, p, k) : k;
                    sum += inQ.Scale * (double)(input[index] - inQ.ZeroPoint) * (w.WeightScales[c] * (double)w.Weights[c * perChannel + k]);
                }
                real[c * positions + p] = sum;
            }
        }
        var output = new sbyte[outLength];
        for (int j = 0; j < outLength; j++)
        {
            double v = model.HasFusedRelu(layer) ? Math.Max(real[j], 0) : real[j];
            double q = Math.Round(v / outQ.Scale, MidpointRounding.ToEven) + outQ.ZeroPoint;
            output[j] = (sbyte)Math.Clamp(q, -128, 127);
        }
        return output;
    }

    private static int ConvInputIndex(Conv2dLayer conv, int[] inShape, int[] outShape, int position, int k)
    {
        int oy = position / outShape[2], ox = position % outShape[2];
        int kk = conv.KernelSize * conv.KernelSize;
        int ic = k / kk, ky = k % kk / conv.KernelSize, kx = k % conv.KernelSize;
        return (ic * inShape[1] + oy + ky) * inShape[2] + ox + kx;
    }

    private static int[] ShapeBefore(ModelArchitecture architecture, int layer)
    {
        int[] shape = architecture.InputShape.ToArray();
        for (int i = 0; i < layer; i++) shape = architecture.Layers[i].OutputShape(shape);
        return shape;
    }
}
