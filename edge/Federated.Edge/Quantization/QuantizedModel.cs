using Federated.Shared.Models;

namespace Federated.Edge.Quantization;

/// <summary>
/// A model quantized to INT8: the architecture, the quantization of every activation, and the
/// INT8 weights of every conv2d/linear layer. It is the one contract between quantization and every
/// INT8 back end (the QDQ ONNX writer, the C# reference engine, the C code generator), so they
/// all compute with the same numbers.
/// <para>
/// <see cref="Activations"/> has one entry more than there are layers: entry 0 quantizes the model
/// input, entry <c>i + 1</c> the output of layer <c>i</c>. Layers that do not change values' scale
/// (ReLU, max pooling, flatten, dropout) share their input's parameters. A ReLU straight after a
/// conv2d/linear is fused into it: the weight layer's output parameters are the ReLU's (calibrated
/// after the ReLU) and the engines clamp its output at the zero point.
/// </para>
/// </summary>
public sealed class QuantizedModel
{
    private readonly ActivationQuantization[] _activations;
    private readonly QuantizedWeights?[] _weights;

    public QuantizedModel(ModelArchitecture architecture, ActivationQuantization[] activations, QuantizedWeights?[] weights)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(weights);
        int layers = architecture.Layers.Count;
        if (activations.Length != layers + 1)
            throw new ArgumentException($"Expected {layers + 1} activation quantizations (input and one per layer), got {activations.Length}.", nameof(activations));
        if (weights.Length != layers)
            throw new ArgumentException($"Expected one weight entry per layer ({layers}), got {weights.Length}.", nameof(weights));
        for (int i = 0; i < layers; i++)
        {
            if (!(activations[i].Scale > 0f) || !float.IsFinite(activations[i].Scale))
                throw new ArgumentException($"Activation {i} has scale {activations[i].Scale}; scales must be positive and finite.", nameof(activations));
            CheckLayer(architecture.Layers[i], i, activations, weights[i]);
        }
        Architecture = architecture;
        _activations = activations;
        _weights = weights;
    }

    public ModelArchitecture Architecture { get; }

    /// <summary>Entry 0: the model input; entry <c>i + 1</c>: the output of layer <c>i</c>.</summary>
    public ReadOnlySpan<ActivationQuantization> Activations => _activations;

    /// <summary>The INT8 weights of layer <paramref name="layer"/>, or null for layers without parameters.</summary>
    public QuantizedWeights? WeightsOf(int layer) => _weights[layer];

    public ActivationQuantization Input => _activations[0];

    public ActivationQuantization Output => _activations[^1];

    /// <summary>Whether layer <paramref name="layer"/> is a conv2d/linear followed by a ReLU that it absorbs.</summary>
    public bool HasFusedRelu(int layer) =>
        _weights[layer] is not null && layer + 1 < Architecture.Layers.Count && Architecture.Layers[layer + 1] is ReluLayer;

    private static void CheckLayer(LayerSpec layer, int index, ActivationQuantization[] activations, QuantizedWeights? weights)
    {
        int outputChannels = layer switch
        {
            Conv2dLayer conv => conv.OutChannels,
            LinearLayer linear => linear.OutFeatures,
            _ => 0,
        };
        if (outputChannels == 0)
        {
            if (weights is not null)
                throw new ArgumentException($"Layer {index} ({layer.ToText()}) has no parameters but was given quantized weights.", nameof(weights));
            if (activations[index + 1] != activations[index])
                throw new ArgumentException($"Layer {index} ({layer.ToText()}) does not rescale values, so its output must share its input's quantization.", nameof(activations));
            return;
        }
        if (weights is null)
            throw new ArgumentException($"Layer {index} ({layer.ToText()}) needs quantized weights.", nameof(weights));
        int weightCount = layer.Parameters[0].Shape.Aggregate(1, (a, b) => a * b);
        if (weights.Weights.Length != weightCount || weights.WeightScales.Length != outputChannels || weights.Bias.Length != outputChannels
            || weights.Multipliers.Length != outputChannels || weights.Shifts.Length != outputChannels)
            throw new ArgumentException($"Layer {index} ({layer.ToText()}) needs {weightCount} weights and {outputChannels} scales, biases, multipliers and shifts.", nameof(weights));
    }
}
