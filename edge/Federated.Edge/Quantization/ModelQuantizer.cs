using Federated.Edge.Quantization.Internal;
using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Edge.Quantization;

/// <summary>
/// Static post-training quantization of a float model into the INT8 contract
/// (<see cref="QuantizedModel"/>): activations asymmetric per tensor from calibrated ranges,
/// weights symmetric per output channel, int32 biases, Q31 requantization multipliers.
/// </summary>
public static class ModelQuantizer
{
    /// <summary>Calibrates on <paramref name="calibration"/> (examples stored one after another) and quantizes.</summary>
    public static QuantizedModel Quantize(ModelArchitecture architecture, ParameterBuffer parameters, ReadOnlySpan<float> calibration, CalibrationOptions? options = null)
    {
        ActivationRange[] ranges = ActivationCalibrator.Calibrate(architecture, parameters, calibration, options);
        return Quantize(architecture, parameters, ranges);
    }

    /// <summary>
    /// Calibrates on a dataset's examples and quantizes. The examples must hold as many values as
    /// the model's input (a 1×28×28 image feeds a 784-input perceptron, as the trainers allow).
    /// </summary>
    public static QuantizedModel Quantize(ModelArchitecture architecture, ParameterBuffer parameters, LabeledDataset calibration, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(calibration);
        if (calibration.FeaturesPerExample != architecture.InputLength)
            throw new ArgumentException(
                $"Calibration examples have shape {string.Join('x', calibration.ExampleShape.ToArray())} ({calibration.FeaturesPerExample} values) " +
                $"but '{architecture}' takes {string.Join('x', architecture.InputShape.ToArray())} ({architecture.InputLength} values).", nameof(calibration));
        return Quantize(architecture, parameters, calibration.Features, options);
    }

    /// <summary>
    /// Quantizes with given activation ranges: what calibration observed for every activation
    /// (entry 0: the input, <c>i + 1</c>: the output of layer <c>i</c>). A conv2d/linear followed by a
    /// ReLU takes the ReLU's (post-ReLU) range, as the fused layer produces it; layers that do not
    /// rescale (ReLU, max pooling, flatten, dropout) share their input's parameters.
    /// </summary>
    public static QuantizedModel Quantize(ModelArchitecture architecture, ParameterBuffer parameters, ReadOnlySpan<ActivationRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(parameters);
        IReadOnlyList<LayerSpec> layers = architecture.Layers;
        if (ranges.Length != layers.Count + 1)
            throw new ArgumentException($"Expected {layers.Count + 1} activation ranges (input and one per layer), got {ranges.Length}.", nameof(ranges));
        CalibrationChecks.CheckParameters(architecture, parameters);

        var activations = new ActivationQuantization[layers.Count + 1];
        var weights = new QuantizedWeights?[layers.Count];
        activations[0] = FromRange(ranges[0], architecture, 0);
        for (int i = 0; i < layers.Count; i++)
        {
            int channels = layers[i] switch
            {
                Conv2dLayer conv => conv.OutChannels,
                LinearLayer linear => linear.OutFeatures,
                _ => 0,
            };
            if (channels == 0)
            {
                activations[i + 1] = activations[i];
                continue;
            }
            bool fusedRelu = i + 1 < layers.Count && layers[i + 1] is ReluLayer;
            int source = fusedRelu ? i + 2 : i + 1;
            activations[i + 1] = FromRange(ranges[source], architecture, source);
            weights[i] = QuantizeLayer(parameters, i, channels, activations[i], activations[i + 1]);
        }
        return new QuantizedModel(architecture, activations, weights);
    }

    private static QuantizedWeights QuantizeLayer(ParameterBuffer parameters, int layer, int channels, ActivationQuantization input, ActivationQuantization output)
    {
        string prefix = layer.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ReadOnlySpan<float> weight = parameters.Tensor(prefix + ".weight");
        ReadOnlySpan<float> bias = parameters.Tensor(prefix + ".bias");
        var quantized = new sbyte[weight.Length];
        var scales = new float[channels];
        var biases = new int[channels];
        var multipliers = new int[channels];
        var shifts = new int[channels];
        WeightQuantizer.QuantizePerChannel(weight, channels, quantized, scales);
        try
        {
            WeightQuantizer.QuantizeBias(bias, input.Scale, scales, biases);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Layer {layer}: {e.Message}", nameof(parameters), e);
        }
        for (int c = 0; c < channels; c++)
        {
            // TFLite's GetQuantizedConvolutionMultipler: (inputScale · weightScale) / outputScale in double.
            double real = (double)input.Scale * scales[c] / output.Scale;
            try
            {
                (multipliers[c], shifts[c]) = Requantization.QuantizeMultiplier(real);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new ArgumentException($"Layer {layer}, output channel {c}: requantization multiplier {real:G6} is out of range ({e.Message}).", nameof(parameters), e);
            }
        }
        return new QuantizedWeights(quantized, scales, biases, multipliers, shifts);
    }

    private static ActivationQuantization FromRange(ActivationRange range, ModelArchitecture architecture, int activation)
    {
        try
        {
            return range.ToQuantization();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The range {range} of {ActivationCalibrator.Describe(architecture, activation)} is unusable: {e.Message}", nameof(range), e);
        }
    }
}
