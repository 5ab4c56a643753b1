using System.Numerics.Tensors;

namespace Federated.Edge.Quantization;

/// <summary>
/// The weight side of the TensorFlow Lite int8 scheme (see <see cref="QuantizedWeights"/>):
/// symmetric per-output-channel int8 weights and int32 biases at the accumulator's scale.
/// </summary>
public static class WeightQuantizer
{
    /// <summary>
    /// Quantizes a weight tensor whose first axis is the output channel: per channel
    /// <c>scale = max|w| / 127</c> and <c>q = round(w / scale)</c> (half to even, as ONNX
    /// QuantizeLinear rounds) in [−127, 127], so every element is within <c>scale / 2</c> of its
    /// real value. An all-zero channel gets scale 1 and zero weights (any scale represents it
    /// exactly; 1 keeps its bias scale and requantization multiplier ordinary).
    /// </summary>
    public static void QuantizePerChannel(ReadOnlySpan<float> weights, int channels, Span<sbyte> quantized, Span<float> scales)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (weights.Length % channels != 0)
            throw new ArgumentException($"{weights.Length} weights do not split into {channels} output channels.", nameof(weights));
        if (quantized.Length != weights.Length)
            throw new ArgumentException($"The destination holds {quantized.Length} values for {weights.Length} weights.", nameof(quantized));
        if (scales.Length != channels)
            throw new ArgumentException($"The scale destination holds {scales.Length} values for {channels} channels.", nameof(scales));
        int perChannel = weights.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> row = weights.Slice(c * perChannel, perChannel);
            Span<sbyte> target = quantized.Slice(c * perChannel, perChannel);
            float maxAbs = TensorPrimitives.MaxMagnitude(row);
            maxAbs = MathF.Abs(maxAbs);
            if (!float.IsFinite(maxAbs))
                throw new ArgumentException($"Output channel {c} holds a non-finite weight.", nameof(weights));
            float scale = maxAbs / QuantizedWeights.WeightMax;
            if (!float.IsNormal(scale))
            {
                // All zero (or so small the scale underflows): store zeros exactly.
                scales[c] = 1f;
                target.Clear();
                continue;
            }
            scales[c] = scale;
            for (int k = 0; k < row.Length; k++)
            {
                double q = Math.Round(row[k] / (double)scale, MidpointRounding.ToEven);
                target[k] = (sbyte)Math.Clamp(q, -QuantizedWeights.WeightMax, QuantizedWeights.WeightMax);
            }
        }
    }

    /// <summary>
    /// Quantizes biases to int32 at the accumulator's scale <c>inputScale · weightScale[c]</c>
    /// (computed in float, as the QDQ graph's bias DequantizeLinear states it), rounding half away
    /// from zero. A bias too large for int32 at that scale throws, naming the channel.
    /// </summary>
    public static void QuantizeBias(ReadOnlySpan<float> bias, float inputScale, ReadOnlySpan<float> weightScales, Span<int> quantized)
    {
        if (weightScales.Length != bias.Length || quantized.Length != bias.Length)
            throw new ArgumentException($"{bias.Length} biases need as many weight scales ({weightScales.Length}) and destination slots ({quantized.Length}).", nameof(bias));
        for (int c = 0; c < bias.Length; c++)
        {
            float scale = BiasScale(inputScale, weightScales[c]);
            if (!float.IsFinite(bias[c]))
                throw new ArgumentException($"Bias of output channel {c} is {bias[c]}.", nameof(bias));
            if (!(scale > 0) || !float.IsFinite(scale))
                throw new ArgumentException($"Output channel {c} has bias scale {scale} (input scale {inputScale} · weight scale {weightScales[c]}); it must be positive and finite.", nameof(weightScales));
            double q = Math.Round(bias[c] / (double)scale, MidpointRounding.AwayFromZero);
            if (q > int.MaxValue || q < int.MinValue)
                throw new ArgumentException($"Bias {bias[c]} of output channel {c} does not fit int32 at scale {scale}.", nameof(bias));
            quantized[c] = (int)q;
        }
    }

    /// <summary>The scale of a channel's int32 bias and accumulator.</summary>
    public static float BiasScale(float inputScale, float weightScale) => inputScale * weightScale;
}
