namespace Federated.Edge.Quantization;

/// <summary>
/// The INT8 form of one conv2d or linear layer, in the TensorFlow Lite Micro int8 scheme:
/// weights symmetric per output channel (zero point 0, <c>q ∈ [−127, 127]</c>), bias int32 with
/// scale <c>inputScale · weightScale[c]</c> and zero point 0, and a Q31 multiplier and shift per
/// output channel that take the int32 accumulator to the output activation's scale
/// (see <see cref="Requantization"/>).
/// </summary>
/// <param name="Weights">Same layout as the float weight: <c>[out, in, k, k]</c> for conv2d, <c>[out, in]</c> for linear.</param>
/// <param name="WeightScales">One scale per output channel.</param>
/// <param name="Bias">One int32 per output channel.</param>
/// <param name="Multipliers">Q31 requantization multiplier per output channel.</param>
/// <param name="Shifts">Power-of-two exponent per output channel (positive: left shift).</param>
public sealed record QuantizedWeights(
    sbyte[] Weights,
    float[] WeightScales,
    int[] Bias,
    int[] Multipliers,
    int[] Shifts)
{
    public const int WeightMax = 127;

    public int OutputChannels => WeightScales.Length;
}
