namespace Federated.Edge.Quantization;

/// <summary>
/// Integer-only requantization as TensorFlow Lite Micro and CMSIS-NN do it, so that the C# reference
/// engine and the C runtime produce the same bits. A real multiplier <c>M</c> (for a conv/linear
/// output channel: <c>inputScale · weightScale / outputScale</c>) becomes a Q31 integer
/// <c>multiplier ∈ [2³⁰, 2³¹)</c> and an exponent <c>shift</c> with <c>M ≈ multiplier · 2^(shift − 31)</c>
/// (TFLite's <c>QuantizeMultiplier</c>). An int32 accumulator is then scaled by
/// <list type="number">
/// <item>a left shift by <c>max(shift, 0)</c>;</item>
/// <item>the doubling high multiply <c>(a · multiplier + 2³⁰) >> 31</c> in 64 bits (CMSIS-NN's
/// <c>arm_nn_doubling_high_mult_no_sat</c>);</item>
/// <item>a rounding right shift by <c>max(−shift, 0)</c>, ties away from zero (CMSIS-NN's
/// <c>arm_nn_divide_by_power_of_two</c>).</item>
/// </list>
/// That is CMSIS-NN's <c>arm_nn_requantize</c> without <c>CMSIS_NN_USE_SINGLE_ROUNDING</c>.
/// </summary>
public static class Requantization
{
    /// <summary>Splits a non-negative real multiplier into a Q31 multiplier and a shift.</summary>
    public static (int Multiplier, int Shift) QuantizeMultiplier(double realMultiplier)
    {
        if (!double.IsFinite(realMultiplier) || realMultiplier < 0)
            throw new ArgumentOutOfRangeException(nameof(realMultiplier), realMultiplier, "A requantization multiplier must be finite and non-negative.");
        if (realMultiplier == 0) return (0, 0);
        // realMultiplier = fraction · 2^shift with fraction in [0.5, 1).
        int shift = Math.ILogB(realMultiplier) + 1;
        double fraction = Math.ScaleB(realMultiplier, -shift);
        long q = (long)Math.Round(fraction * (1L << 31), MidpointRounding.AwayFromZero);
        if (q == 1L << 31)
        {
            q /= 2;
            shift++;
        }
        if (shift < -31) return (0, 0); // Too small to matter: every accumulator maps to 0.
        if (shift > 30)
            throw new ArgumentOutOfRangeException(nameof(realMultiplier), realMultiplier, "A requantization multiplier this large means the scales are inconsistent.");
        return ((int)q, shift);
    }

    /// <summary>Scales <paramref name="value"/> by <c>multiplier · 2^(shift − 31)</c> (see the type's remarks).</summary>
    public static int Requantize(int value, int multiplier, int shift)
    {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        long product = (long)(value * (1 << leftShift)) * multiplier;
        int high = (int)((product + (1L << 30)) >> 31);
        return DivideByPowerOfTwo(high, rightShift);
    }

    /// <summary>Arithmetic right shift rounding to nearest, ties away from zero.</summary>
    public static int DivideByPowerOfTwo(int dividend, int exponent)
    {
        int mask = (1 << exponent) - 1;
        int remainder = dividend & mask;
        int result = dividend >> exponent;
        int threshold = (mask >> 1) + (result < 0 ? 1 : 0);
        return remainder > threshold ? result + 1 : result;
    }
}
