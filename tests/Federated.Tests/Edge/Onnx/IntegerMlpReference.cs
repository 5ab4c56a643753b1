using Federated.Edge.Quantization;
using Federated.Shared.Models;

namespace Federated.Tests.Edge.Onnx;

/// <summary>
/// The contract's integer arithmetic for linear/ReLU stacks, written out plainly as the independent
/// reference for what ONNX Runtime's fused QGemm kernels compute from the QDQ file:
/// <c>acc = bias[c] + Σ (x − inZp) · w[c, k]</c>, then Q31 requantization, the output zero point,
/// and a clamp at the zero point for a fused ReLU.
/// </summary>
internal static class IntegerMlpReference
{
    /// <summary>The int8 logits of one example.</summary>
    public static int[] Run(QuantizedModel model, ReadOnlySpan<float> example)
    {
        var x = new int[example.Length];
        for (int k = 0; k < x.Length; k++) x[k] = model.Input.Quantize(example[k]);
        var layers = model.Architecture.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not LinearLayer linear) continue;
            QuantizedWeights w = model.WeightsOf(i)!;
            int inZp = model.Activations[i].ZeroPoint;
            int outZp = model.Activations[i + 1].ZeroPoint;
            int floor = model.HasFusedRelu(i) ? outZp : ActivationQuantization.QMin;
            var y = new int[linear.OutFeatures];
            for (int c = 0; c < y.Length; c++)
            {
                int acc = w.Bias[c];
                for (int k = 0; k < linear.InFeatures; k++) acc += (x[k] - inZp) * w.Weights[c * linear.InFeatures + k];
                y[c] = Math.Clamp(Requantization.Requantize(acc, w.Multipliers[c], w.Shifts[c]) + outZp, floor, ActivationQuantization.QMax);
            }
            x = y;
        }
        return x;
    }
}
