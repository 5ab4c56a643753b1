using System.Numerics.Tensors;
using Federated.Edge.Export;
using Federated.Edge.Onnx;
using Federated.Edge.Quantization;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Microsoft.ML.OnnxRuntime;

namespace Federated.Tests.Edge.Onnx;

/// <summary>
/// The simplest post-training quantization, for these tests only (the quantization helper owns the
/// real calibration): activation ranges are the min and max that the FP32 ONNX model's exposed layer
/// outputs reach on a calibration batch; weights are symmetric per output channel (max |w| ↦ 127).
/// </summary>
internal static class MinMaxQuantization
{
    public static QuantizedModel Quantize(ModelArchitecture architecture, ParameterBuffer parameters, ReadOnlySpan<float> calibration, int count)
    {
        var ranges = ActivationRanges(architecture, parameters, calibration, count);
        int layers = architecture.Layers.Count;
        var activations = new ActivationQuantization[layers + 1];
        activations[0] = ActivationQuantization.FromRange(ranges[0].Min, ranges[0].Max);
        for (int i = 0; i < layers; i++)
        {
            bool weights = architecture.Layers[i] is Conv2dLayer or LinearLayer;
            bool fusedRelu = weights && i + 1 < layers && architecture.Layers[i + 1] is ReluLayer;
            // A fused ReLU's conv/linear takes the post-ReLU range (layer i + 1's output).
            var (min, max) = fusedRelu ? ranges[i + 2] : ranges[i + 1];
            activations[i + 1] = weights ? ActivationQuantization.FromRange(min, max) : activations[i];
        }
        var quantized = new QuantizedWeights?[layers];
        for (int i = 0; i < layers; i++)
        {
            if (architecture.Layers[i] is Conv2dLayer or LinearLayer)
                quantized[i] = QuantizeWeights(parameters.Tensor($"{i}.weight"), parameters.Tensor($"{i}.bias"), activations[i].Scale, activations[i + 1].Scale);
        }
        return new QuantizedModel(architecture, activations, quantized);
    }

    private static QuantizedWeights QuantizeWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float inputScale, float outputScale)
    {
        int channels = bias.Length;
        int perChannel = weight.Length / channels;
        var q = new sbyte[weight.Length];
        var scales = new float[channels];
        var biases = new int[channels];
        var multipliers = new int[channels];
        var shifts = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> row = weight.Slice(c * perChannel, perChannel);
            // MaxMagnitude returns the signed value of largest magnitude.
            float maxAbs = MathF.Abs(TensorPrimitives.MaxMagnitude(row));
            float scale = maxAbs > 0 ? maxAbs / 127f : 1f;
            scales[c] = scale;
            for (int j = 0; j < perChannel; j++) q[c * perChannel + j] = (sbyte)Math.Clamp(MathF.Round(row[j] / scale, MidpointRounding.ToEven), -127, 127);
            biases[c] = (int)Math.Round(bias[c] / ((double)inputScale * scale), MidpointRounding.ToEven);
            (multipliers[c], shifts[c]) = Requantization.QuantizeMultiplier((double)inputScale * scale / outputScale);
        }
        return new QuantizedWeights(q, scales, biases, multipliers, shifts);
    }

    /// <summary>(min, max) of the input (entry 0) and of every layer's output (entry i + 1).</summary>
    public static (float Min, float Max)[] ActivationRanges(ModelArchitecture architecture, ParameterBuffer parameters, ReadOnlySpan<float> calibration, int count)
    {
        byte[] onnx = OnnxExporter.ExportFloat(architecture, parameters, new OnnxExportOptions { ExposeActivations = true });
        using var session = new InferenceSession(onnx);
        long[] shape = [count, .. architecture.InputShape.ToArray().Select(d => (long)d)];
        using var input = OrtValue.CreateTensorValueFromMemory(calibration.ToArray(), shape);
        int layers = architecture.Layers.Count;
        var names = new string[layers];
        for (int i = 0; i < layers; i++) names[i] = i == layers - 1 ? OnnxNames.Logits : OnnxNames.Activation(i);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxNames.Input], [input], names);
        var ranges = new (float, float)[layers + 1];
        ranges[0] = (TensorPrimitives.Min(calibration), TensorPrimitives.Max(calibration));
        for (int i = 0; i < layers; i++)
        {
            ReadOnlySpan<float> values = outputs[i].GetTensorDataAsSpan<float>();
            ranges[i + 1] = (TensorPrimitives.Min(values), TensorPrimitives.Max(values));
        }
        return ranges;
    }
}
