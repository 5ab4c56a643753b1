using System.Numerics;
using Federated.Edge.Quantization;

namespace Federated.Tests.Edge.Quantization;

/// <summary>
/// The contract's requantization against independent arbitrary-precision arithmetic: the CMSIS-NN
/// definition (left shift, doubling high multiply with +2³⁰ then floor, rounding right shift with
/// ties away from zero) in <see cref="BigInteger"/>, and the real product in double.
/// </summary>
public sealed class RequantizationTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.75)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(3.0e-5)]
    [InlineData(0.0123456789)]
    [InlineData(1234.5)]
    [InlineData(0.99999999999)]
    [InlineData(4.656612873077393e-10)] // 2^-31
    public void QuantizeMultiplier_RepresentsTheRealMultiplier(double real)
    {
        (int multiplier, int shift) = Requantization.QuantizeMultiplier(real);

        Assert.InRange(multiplier, 1 << 30, int.MaxValue);
        double represented = multiplier * Math.Pow(2, shift - 31);
        // Rounding the Q31 fraction errs by at most half a unit of 2^-31 relative to a fraction ≥ 1/2.
        Assert.True(Math.Abs(represented - real) <= real * Math.Pow(2, -31), $"{real} became {multiplier}·2^({shift}−31) = {represented}");
    }

    [Fact]
    public void QuantizeMultiplier_OfZeroAndTinyValues_IsZero()
    {
        Assert.Equal((0, 0), Requantization.QuantizeMultiplier(0));
        Assert.Equal((0, 0), Requantization.QuantizeMultiplier(1e-20));
        Assert.Throws<ArgumentOutOfRangeException>(() => Requantization.QuantizeMultiplier(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Requantization.QuantizeMultiplier(double.NaN));
    }

    public static TheoryData<int, int, int> EdgeCases()
    {
        var cases = new TheoryData<int, int, int>();
        int half = 1 << 30;
        int[] multipliers = [half, half + 1, 1518500250, int.MaxValue];
        int[] shifts = [-31, -20, -8, -1, 0, 1, 3];
        int[] values = [0, 1, -1, 2, -2, 127, -128, 1000, -1000, 123456, -123456, 1 << 20, -(1 << 20), 65535, -65535];
        foreach (int m in multipliers)
        foreach (int s in shifts)
        foreach (int v in values)
        {
            // Keep the left shift within int32, as the accumulators of real layers are.
            if (s > 0 && Math.Abs((long)v << s) > int.MaxValue) continue;
            cases.Add(v, m, s);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void Requantize_MatchesBigIntegerDefinition(int value, int multiplier, int shift)
    {
        Assert.Equal(Reference(value, multiplier, shift), Requantization.Requantize(value, multiplier, shift));
    }

    [Fact]
    public void Requantize_OnExactTies_RoundsAwayFromZero()
    {
        // multiplier 2^30 with shift 0 halves: (v·2^30 + 2^30) >> 31 = floor((v + 1) / 2), the first rounding.
        int half = 1 << 30;
        Assert.Equal(2, Requantization.Requantize(3, half, 0));   // 1.5 → 2
        Assert.Equal(-1, Requantization.Requantize(-3, half, 0)); // −1.5 → −1: the high multiply rounds ties up
        // With a right shift the second rounding sees ties: high = ±3 over 2 → ±2 (away from zero).
        Assert.Equal(2, Requantization.Requantize(6, half, -1));  // 6/2 = 3 → 3/2 = 1.5 → 2
        Assert.Equal(-2, Requantization.Requantize(-6, half, -1)); // −3/2 = −1.5 → −2
        Assert.Equal(1, Requantization.DivideByPowerOfTwo(1, 1));
        Assert.Equal(-1, Requantization.DivideByPowerOfTwo(-1, 1));
        Assert.Equal(-1, Requantization.DivideByPowerOfTwo(-5, 2)); // −1.25 → −1
        Assert.Equal(-2, Requantization.DivideByPowerOfTwo(-6, 2)); // −1.5 → −2
        Assert.Equal(2, Requantization.DivideByPowerOfTwo(6, 2));   // 1.5 → 2
    }

    [Fact]
    public void Requantize_OfRandomValues_MatchesBigIntegerAndIsWithinOneOfTheRealProduct()
    {
        var random = new Random(42);
        for (int trial = 0; trial < 20_000; trial++)
        {
            double real = Math.Pow(2, random.NextDouble() * -24) * (0.5 + random.NextDouble() * 0.5);
            (int multiplier, int shift) = Requantization.QuantizeMultiplier(real);
            int value = random.Next(-(1 << 24), 1 << 24);
            int result = Requantization.Requantize(value, multiplier, shift);

            Assert.Equal(Reference(value, multiplier, shift), result);
            double exact = value * (multiplier * Math.Pow(2, shift - 31));
            Assert.True(Math.Abs(result - exact) <= 1, $"{value}·{real} = {exact}, requantized {result}");
        }
    }

    private static int Reference(int value, int multiplier, int shift)
    {
        int left = Math.Max(shift, 0);
        int right = Math.Max(-shift, 0);
        BigInteger shifted = (BigInteger)value << left;
        // Doubling high multiply: floor((x·m + 2^30) / 2^31) — BigInteger's >> floors like an arithmetic shift.
        BigInteger high = (shifted * multiplier + (BigInteger.One << 30)) >> 31;
        if (right == 0) return (int)high;
        // Round |high| / 2^right to nearest with ties away from zero, then restore the sign.
        BigInteger magnitude = BigInteger.Abs(high);
        BigInteger divisor = BigInteger.One << right;
        BigInteger rounded = (2 * magnitude + divisor) / (2 * divisor);
        return (int)(high.Sign < 0 ? -rounded : rounded);
    }
}
