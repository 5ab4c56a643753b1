using System.Runtime.CompilerServices;
using Federated.Edge.Quantization;

namespace Federated.Edge.Reference.Internal;

/// <summary>What a conv2d/linear layer needs to turn int32 accumulators into int8 outputs.</summary>
internal readonly struct LayerRequantization
{
    public LayerRequantization(int[] foldedBias, int[] multipliers, int[] shifts, int outputZeroPoint, bool fusedRelu)
    {
        FoldedBias = foldedBias;
        Multipliers = multipliers;
        Shifts = shifts;
        OutputZeroPoint = outputZeroPoint;
        Low = fusedRelu ? outputZeroPoint : ActivationQuantization.QMin;
    }

    public int[] FoldedBias { get; }

    public int[] Multipliers { get; }

    public int[] Shifts { get; }

    public int OutputZeroPoint { get; }

    /// <summary>The lowest output code: the zero point (real 0) with a fused ReLU, −128 otherwise.</summary>
    public int Low { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte Output(int accumulator, int multiplier, int shift)
    {
        int value = Requantization.Requantize(accumulator, multiplier, shift) + OutputZeroPoint;
        return (sbyte)Math.Clamp(value, Low, ActivationQuantization.QMax);
    }
}
