using Federated.Edge.Quantization;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Tests.Data;

namespace Federated.Tests.Edge.Native;

/// <summary>
/// Quantized models built by hand from a seed (random int8 weights and biases, requantization
/// multipliers sized so outputs spread over the int8 range, varied zero points), so the C runtime
/// can be checked before any trained model exists, on any architecture.
/// </summary>
internal static class HandBuiltModels
{
    /// <summary>Fashion-MNIST's normalized pixels span about [−0.81, 2.02].</summary>
    public static ActivationQuantization ImageInput => ActivationQuantization.FromRange(-0.8102f, 2.0228f);

    public static QuantizedModel Build(ModelArchitecture architecture, int seed)
    {
        var random = new Random(seed);
        var layers = architecture.Layers;
        var activations = new ActivationQuantization[layers.Count + 1];
        var weights = new QuantizedWeights?[layers.Count];
        activations[0] = ImageInput;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (layer.Parameters.Count == 0)
            {
                activations[i + 1] = activations[i];
                continue;
            }
            int outChannels = layer.Parameters[1].Shape[0];
            int count = layer.Parameters[0].Shape.Aggregate(1, (a, b) => a * b);
            int fanIn = count / outChannels;
            var q = new sbyte[count];
            for (int j = 0; j < count; j++) q[j] = (sbyte)random.Next(-127, 128);
            bool fused = i + 1 < layers.Count && layers[i + 1] is ReluLayer;
            // A fused ReLU's output starts at zero: zero point −128 as calibration after a ReLU gives.
            var outQ = new ActivationQuantization(0.05f + (float)random.NextDouble() * 0.1f, fused ? -128 : random.Next(-30, 31));
            var scales = new float[outChannels];
            var bias = new int[outChannels];
            var multipliers = new int[outChannels];
            var shifts = new int[outChannels];
            // acc has a spread of about sqrt(fanIn)·70·73; map that onto ±~60 output steps.
            double baseMultiplier = 60.0 / (Math.Sqrt(fanIn) * 70 * 73);
            for (int c = 0; c < outChannels; c++)
            {
                double real = baseMultiplier * (0.5 + random.NextDouble() * 1.5);
                (multipliers[c], shifts[c]) = Requantization.QuantizeMultiplier(real);
                scales[c] = (float)(real * outQ.Scale / activations[i].Scale);
                bias[c] = random.Next(-20000, 20001);
            }
            weights[i] = new QuantizedWeights(q, scales, bias, multipliers, shifts);
            activations[i + 1] = outQ;
        }
        return new QuantizedModel(architecture, activations, weights);
    }

    /// <summary>The first <paramref name="count"/> Fashion-MNIST test images, quantized as the model's input.</summary>
    public static sbyte[] TestImages(QuantizedModel model, int count, int skip = 0)
    {
        LabeledDataset test = FashionMnistData.Test;
        int size = test.FeaturesPerExample;
        var values = new sbyte[count * size];
        var input = model.Input;
        for (int i = 0; i < count; i++)
        {
            var image = test.Example(skip + i);
            for (int j = 0; j < size; j++) values[i * size + j] = input.Quantize(image[j]);
        }
        return values;
    }
}
