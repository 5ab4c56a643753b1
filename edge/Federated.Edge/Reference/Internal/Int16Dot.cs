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
