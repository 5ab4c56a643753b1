namespace Federated.Edge.Quantization;

/// <summary>
/// Affine INT8 quantization of an activation tensor, per tensor:
/// <c>real = Scale · (q − ZeroPoint)</c> with <c>q ∈ [−128, 127]</c> (ONNX QuantizeLinear with an
/// int8 zero point; TensorFlow Lite's int8 activation scheme).
/// </summary>
public readonly record struct ActivationQuantization(float Scale, int ZeroPoint)
{
    public const int QMin = -128;
    public const int QMax = 127;

    /// <summary>
    /// Parameters that cover <c>[min, max]</c>, widened to include 0 so that zero (padding, ReLU's
    /// floor) is exactly representable. A range of width 0 gets scale 1 (any value maps to the zero point).
    /// </summary>
    public static ActivationQuantization FromRange(float min, float max)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
            throw new ArgumentException($"Activation range [{min}, {max}] is not a finite, ordered range.", nameof(min));
        min = MathF.Min(min, 0f);
        max = MathF.Max(max, 0f);
        float scale = (max - min) / (QMax - QMin);
        if (scale == 0f || !float.IsNormal(scale)) return new ActivationQuantization(1f, 0);
        // The zero point is the integer that represents real 0: QMin − min/scale, rounded and kept in range.
        double zeroPoint = Math.Round(QMin - (double)min / scale, MidpointRounding.ToEven);
        return new ActivationQuantization(scale, (int)Math.Clamp(zeroPoint, QMin, QMax));
    }

    /// <summary>Quantizes one value as ONNX QuantizeLinear does: round half to even, then saturate.</summary>
    public sbyte Quantize(float value)
    {
        float q = MathF.Round(value / Scale, MidpointRounding.ToEven) + ZeroPoint;
        return (sbyte)Math.Clamp(q, QMin, QMax);
    }

    public float Dequantize(sbyte value) => Scale * (value - ZeroPoint);
}
