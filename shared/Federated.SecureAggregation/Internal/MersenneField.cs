namespace Federated.SecureAggregation;

/// <summary>
/// Arithmetic in GF(p), p = 2^61 − 1 (a Mersenne prime): reduction is a shift and an add, products
/// fit UInt128, and p exceeds any client count, so 1-based client indices are valid distinct
/// evaluation points for any federation.
/// </summary>
internal static class MersenneField
{
    public const ulong Prime = (1UL << 61) - 1;

    public static ulong Add(ulong a, ulong b) => Reduce(a + b);

    public static ulong Subtract(ulong a, ulong b) => Reduce(a + Prime - b);

    public static ulong Multiply(ulong a, ulong b)
    {
        UInt128 product = (UInt128)a * b;
        // 2^61 ≡ 1 (mod p): fold the high bits onto the low ones.
        ulong folded = ((ulong)product & Prime) + (ulong)(product >> 61);
        return Reduce(folded);
    }

    /// <summary>a^(p−2) = a^−1 by Fermat; a must be non-zero.</summary>
    public static ulong Inverse(ulong a)
    {
        if (a == 0) throw new DivideByZeroException("Zero has no inverse in GF(2^61 − 1).");
        ulong result = 1, power = a;
        for (ulong e = Prime - 2; e != 0; e >>= 1)
        {
            if ((e & 1) != 0) result = Multiply(result, power);
            power = Multiply(power, power);
        }
        return result;
    }

    /// <summary>Reduces a value below 2^62 (anything Add, Subtract or Multiply can produce) into [0, p).</summary>
    private static ulong Reduce(ulong x)
    {
        x = (x & Prime) + (x >> 61);
        return x >= Prime ? x - Prime : x;
    }
}
