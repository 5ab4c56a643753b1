using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Federated.Edge.Reference.Internal;

/// <summary>
/// Exact integer dot products of int8 values held as int16 (activations in [−128, 127], weights in
/// [−127, 127]). Each product fits in 16 bits (|x·w| ≤ 16,256) and each pair sum too, so both the
/// AVX2 <c>vpmaddwd</c> path and the portable multiply-then-widen path are exact; the int32 sum wraps
/// like C's would, and the order of additions cannot change an integer result.
/// </summary>
internal static class Int16Dot
{
    public static int Dot(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        if (Avx2.IsSupported) return DotAvx2(a, b);
        if (Vector128.IsHardwareAccelerated) return DotPortable(a, b);
        return DotScalar(a, b, 0, 0);
    }

    /// <summary>
    /// Four dot products of one <paramref name="x"/> with four equally long rows, loading
    /// <paramref name="x"/> once for all four (a conv layer's patch against four output channels).
    /// </summary>
    public static void Dot4(ReadOnlySpan<short> x, ReadOnlySpan<short> w0, ReadOnlySpan<short> w1, ReadOnlySpan<short> w2, ReadOnlySpan<short> w3, Span<int> sums)
    {
        if (!Avx2.IsSupported)
        {
            sums[0] = Dot(x, w0);
            sums[1] = Dot(x, w1);
            sums[2] = Dot(x, w2);
            sums[3] = Dot(x, w3);
            return;
        }
        ref short rx = ref MemoryMarshal.GetReference(x);
        ref short r0 = ref MemoryMarshal.GetReference(w0);
        ref short r1 = ref MemoryMarshal.GetReference(w1);
        ref short r2 = ref MemoryMarshal.GetReference(w2);
        ref short r3 = ref MemoryMarshal.GetReference(w3);
        int length = x.Length;
        int i = 0;
        Vector256<int> s0 = Vector256<int>.Zero, s1 = Vector256<int>.Zero, s2 = Vector256<int>.Zero, s3 = Vector256<int>.Zero;
        for (; i <= length - 16; i += 16)
        {
            Vector256<short> v = Vector256.LoadUnsafe(ref rx, (nuint)i);
            s0 = Avx2.Add(s0, Avx2.MultiplyAddAdjacent(v, Vector256.LoadUnsafe(ref r0, (nuint)i)));
            s1 = Avx2.Add(s1, Avx2.MultiplyAddAdjacent(v, Vector256.LoadUnsafe(ref r1, (nuint)i)));
            s2 = Avx2.Add(s2, Avx2.MultiplyAddAdjacent(v, Vector256.LoadUnsafe(ref r2, (nuint)i)));
            s3 = Avx2.Add(s3, Avx2.MultiplyAddAdjacent(v, Vector256.LoadUnsafe(ref r3, (nuint)i)));
        }
        sums[0] = DotScalar(x, w0, i, Vector256.Sum(s0));
        sums[1] = DotScalar(x, w1, i, Vector256.Sum(s1));
        sums[2] = DotScalar(x, w2, i, Vector256.Sum(s2));
        sums[3] = DotScalar(x, w3, i, Vector256.Sum(s3));
    }

    internal static int DotAvx2(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        ref short ra = ref MemoryMarshal.GetReference(a);
        ref short rb = ref MemoryMarshal.GetReference(b);
        int length = a.Length;
        int i = 0;
        Vector256<int> sum0 = Vector256<int>.Zero;
        Vector256<int> sum1 = Vector256<int>.Zero;
        for (; i <= length - 32; i += 32)
        {
            sum0 = Avx2.Add(sum0, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)));
            sum1 = Avx2.Add(sum1, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref ra, (nuint)(i + 16)), Vector256.LoadUnsafe(ref rb, (nuint)(i + 16))));
        }
        if (i <= length - 16)
        {
            sum0 = Avx2.Add(sum0, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)));
            i += 16;
        }
        return DotScalar(a, b, i, Vector256.Sum(sum0 + sum1));
    }

    internal static int DotPortable(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        ref short ra = ref MemoryMarshal.GetReference(a);
        ref short rb = ref MemoryMarshal.GetReference(b);
        int length = a.Length;
        int i = 0;
        Vector128<int> sum = Vector128<int>.Zero;
        for (; i <= length - 8; i += 8)
        {
            Vector128<short> product = Vector128.LoadUnsafe(ref ra, (nuint)i) * Vector128.LoadUnsafe(ref rb, (nuint)i);
            (Vector128<int> lower, Vector128<int> upper) = Vector128.Widen(product);
            sum += lower + upper;
        }
        return DotScalar(a, b, i, Vector128.Sum(sum));
    }

    internal static int DotScalar(ReadOnlySpan<short> a, ReadOnlySpan<short> b, int start, int sum)
    {
        for (int i = start; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
