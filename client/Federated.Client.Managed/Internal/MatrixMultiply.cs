using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Federated.Client.Managed.Internal;

/// <summary>
/// Single-threaded matrix products over flat row-major spans, register-blocked so each value
/// loaded from memory feeds several fused multiply-adds. <see cref="Vector{T}"/> takes the
/// widest vectors the device has (NEON's 4 floats on a phone, AVX2's 8 on a laptop), so the
/// same code is fast on both without a Vector256 software fallback on ARM.
/// Two shapes cover every product the trainer needs:
/// <list type="bullet">
/// <item><see cref="MultiplyByTransposed"/>: C = A·Bᵀ, dot products of rows (a Linear layer's forward pass, a convolution's weight gradient);</item>
/// <item><see cref="Multiply"/>: C = A·B, rows of B scaled by broadcast elements of A, with A read through any strides so Aᵀ needs no copy (input and weight gradients).</item>
/// </list>
/// </summary>
internal static class MatrixMultiply
{
    /// <summary>
    /// C[i, j] (+)= Σₚ A[i, p]·B[j, p] for A m×k (row stride <paramref name="aRowStride"/>), B n×k
    /// (row stride <paramref name="bRowStride"/>) and C m×n (row stride <paramref name="cRowStride"/>).
    /// </summary>
    public static void MultiplyByTransposed(
        ReadOnlySpan<float> a, int aRowStride, ReadOnlySpan<float> b, int bRowStride, Span<float> c, int cRowStride,
        int m, int n, int k, bool accumulate)
    {
        CheckExtent(a.Length, m, aRowStride, k, 1, nameof(a));
        CheckExtent(b.Length, n, bRowStride, k, 1, nameof(b));
        CheckExtent(c.Length, m, cRowStride, n, 1, nameof(c));
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);

        // Pairs of B rows outermost: the pair stays in L1 while every row of A streams past it.
        int column = 0;
        for (; column + 2 <= n; column += 2)
        {
            int row = 0;
            for (; row + 4 <= m; row += 4)
            {
                DotTile4x2(
                    ref Unsafe.Add(ref a0, row * aRowStride), aRowStride,
                    ref Unsafe.Add(ref b0, column * bRowStride), bRowStride,
                    ref Unsafe.Add(ref c0, row * cRowStride + column), cRowStride, k, accumulate);
            }
            for (; row < m; row++)
            {
                Store(ref Unsafe.Add(ref c0, row * cRowStride + column), Dot(a, row * aRowStride, b, column * bRowStride, k), accumulate);
                Store(ref Unsafe.Add(ref c0, row * cRowStride + column + 1), Dot(a, row * aRowStride, b, (column + 1) * bRowStride, k), accumulate);
            }
        }
        for (; column < n; column++)
        {
            for (int row = 0; row < m; row++)
                Store(ref Unsafe.Add(ref c0, row * cRowStride + column), Dot(a, row * aRowStride, b, column * bRowStride, k), accumulate);
        }
    }

    /// <summary>
    /// C[i, j] (+)= Σₚ A[i, p]·B[p, j] for A m×k read at <c>i·aRowStride + p·aColumnStride</c>
    /// (so <c>(1, rows)</c> reads a row-major matrix transposed), B k×n (row stride
    /// <paramref name="bRowStride"/>) and C m×n (row stride <paramref name="cRowStride"/>).
    /// </summary>
    public static void Multiply(
        ReadOnlySpan<float> a, int aRowStride, int aColumnStride, ReadOnlySpan<float> b, int bRowStride, Span<float> c, int cRowStride,
        int m, int n, int k, bool accumulate)
    {
        CheckExtent(a.Length, m, aRowStride, k, aColumnStride, nameof(a));
        CheckExtent(b.Length, k, bRowStride, n, 1, nameof(b));
        CheckExtent(c.Length, m, cRowStride, n, 1, nameof(c));
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        int width = Vector<float>.Count;

        // Panels of two vectors of B's columns outermost: a k×2w panel stays in cache while
        // every row of A is broadcast against it.
        int column = 0;
        for (; column + 2 * width <= n; column += 2 * width)
        {
            int row = 0;
            for (; row + 4 <= m; row += 4)
            {
                BroadcastTile4x2(
                    ref Unsafe.Add(ref a0, row * aRowStride), aRowStride, aColumnStride,
                    ref Unsafe.Add(ref b0, column), bRowStride,
                    ref Unsafe.Add(ref c0, row * cRowStride + column), cRowStride, k, accumulate);
            }
            for (; row < m; row++)
            {
                ref float aRow = ref Unsafe.Add(ref a0, row * aRowStride);
                ref float cRow = ref Unsafe.Add(ref c0, row * cRowStride + column);
                BroadcastRow(ref aRow, aColumnStride, ref Unsafe.Add(ref b0, column), bRowStride, ref cRow, k, accumulate);
                BroadcastRow(ref aRow, aColumnStride, ref Unsafe.Add(ref b0, column + width), bRowStride, ref Unsafe.Add(ref cRow, width), k, accumulate);
            }
        }
        for (; column + width <= n; column += width)
        {
            for (int row = 0; row < m; row++)
            {
                BroadcastRow(
                    ref Unsafe.Add(ref a0, row * aRowStride), aColumnStride, ref Unsafe.Add(ref b0, column), bRowStride,
                    ref Unsafe.Add(ref c0, row * cRowStride + column), k, accumulate);
            }
        }
        for (; column < n; column++)
        {
            for (int row = 0; row < m; row++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += Unsafe.Add(ref a0, row * aRowStride + p * aColumnStride) * Unsafe.Add(ref b0, p * bRowStride + column);
                Store(ref Unsafe.Add(ref c0, row * cRowStride + column), sum, accumulate);
            }
        }
    }

    /// <summary>Four rows of A against two rows of B: 8 dot products sharing every load.</summary>
    private static void DotTile4x2(ref float a, int aStride, ref float b, int bStride, ref float c, int cStride, int k, bool accumulate)
    {
        Vector<float> s00 = default, s01 = default, s10 = default, s11 = default;
        Vector<float> s20 = default, s21 = default, s30 = default, s31 = default;
        ref float a1 = ref Unsafe.Add(ref a, aStride);
        ref float a2 = ref Unsafe.Add(ref a, 2 * aStride);
        ref float a3 = ref Unsafe.Add(ref a, 3 * aStride);
        ref float b1 = ref Unsafe.Add(ref b, bStride);
        int width = Vector<float>.Count;
        int p = 0;
        for (; p + width <= k; p += width)
        {
            var y0 = Vector.LoadUnsafe(ref b, (nuint)p);
            var y1 = Vector.LoadUnsafe(ref b1, (nuint)p);
            var x = Vector.LoadUnsafe(ref a, (nuint)p);
            s00 = Vector.MultiplyAddEstimate(x, y0, s00);
            s01 = Vector.MultiplyAddEstimate(x, y1, s01);
            x = Vector.LoadUnsafe(ref a1, (nuint)p);
            s10 = Vector.MultiplyAddEstimate(x, y0, s10);
            s11 = Vector.MultiplyAddEstimate(x, y1, s11);
            x = Vector.LoadUnsafe(ref a2, (nuint)p);
            s20 = Vector.MultiplyAddEstimate(x, y0, s20);
            s21 = Vector.MultiplyAddEstimate(x, y1, s21);
            x = Vector.LoadUnsafe(ref a3, (nuint)p);
            s30 = Vector.MultiplyAddEstimate(x, y0, s30);
            s31 = Vector.MultiplyAddEstimate(x, y1, s31);
        }
        float t00 = Vector.Sum(s00), t01 = Vector.Sum(s01), t10 = Vector.Sum(s10), t11 = Vector.Sum(s11);
        float t20 = Vector.Sum(s20), t21 = Vector.Sum(s21), t30 = Vector.Sum(s30), t31 = Vector.Sum(s31);
        for (; p < k; p++)
        {
            float y0 = Unsafe.Add(ref b, p), y1 = Unsafe.Add(ref b1, p);
            float x0 = Unsafe.Add(ref a, p), x1 = Unsafe.Add(ref a1, p), x2 = Unsafe.Add(ref a2, p), x3 = Unsafe.Add(ref a3, p);
            t00 += x0 * y0; t01 += x0 * y1;
            t10 += x1 * y0; t11 += x1 * y1;
            t20 += x2 * y0; t21 += x2 * y1;
            t30 += x3 * y0; t31 += x3 * y1;
        }
        Store(ref c, t00, accumulate);
        Store(ref Unsafe.Add(ref c, 1), t01, accumulate);
        Store(ref Unsafe.Add(ref c, cStride), t10, accumulate);
        Store(ref Unsafe.Add(ref c, cStride + 1), t11, accumulate);
        Store(ref Unsafe.Add(ref c, 2 * cStride), t20, accumulate);
        Store(ref Unsafe.Add(ref c, 2 * cStride + 1), t21, accumulate);
        Store(ref Unsafe.Add(ref c, 3 * cStride), t30, accumulate);
        Store(ref Unsafe.Add(ref c, 3 * cStride + 1), t31, accumulate);
    }

    /// <summary>Four rows of C, two vectors wide: each step loads two vectors of B and broadcasts four elements of A.</summary>
    private static void BroadcastTile4x2(
        ref float a, int aRowStride, int aColumnStride, ref float b, int bRowStride, ref float c, int cRowStride, int k, bool accumulate)
    {
        Vector<float> s00 = default, s01 = default, s10 = default, s11 = default;
        Vector<float> s20 = default, s21 = default, s30 = default, s31 = default;
        int width = Vector<float>.Count;
        for (int p = 0; p < k; p++)
        {
            ref float bRow = ref Unsafe.Add(ref b, p * bRowStride);
            var y0 = Vector.LoadUnsafe(ref bRow);
            var y1 = Vector.LoadUnsafe(ref bRow, (nuint)width);
            ref float aColumn = ref Unsafe.Add(ref a, p * aColumnStride);
            var x = new Vector<float>(aColumn);
            s00 = Vector.MultiplyAddEstimate(x, y0, s00);
            s01 = Vector.MultiplyAddEstimate(x, y1, s01);
            x = new Vector<float>(Unsafe.Add(ref aColumn, aRowStride));
            s10 = Vector.MultiplyAddEstimate(x, y0, s10);
            s11 = Vector.MultiplyAddEstimate(x, y1, s11);
            x = new Vector<float>(Unsafe.Add(ref aColumn, 2 * aRowStride));
            s20 = Vector.MultiplyAddEstimate(x, y0, s20);
            s21 = Vector.MultiplyAddEstimate(x, y1, s21);
            x = new Vector<float>(Unsafe.Add(ref aColumn, 3 * aRowStride));
            s30 = Vector.MultiplyAddEstimate(x, y0, s30);
            s31 = Vector.MultiplyAddEstimate(x, y1, s31);
        }
        Store(s00, ref c, 0, accumulate);
        Store(s01, ref c, width, accumulate);
        Store(s10, ref c, cRowStride, accumulate);
        Store(s11, ref c, cRowStride + width, accumulate);
        Store(s20, ref c, 2 * cRowStride, accumulate);
        Store(s21, ref c, 2 * cRowStride + width, accumulate);
        Store(s30, ref c, 3 * cRowStride, accumulate);
        Store(s31, ref c, 3 * cRowStride + width, accumulate);
    }

    /// <summary>One row of C, one vector wide (the edges the 4×2 tiles leave).</summary>
    private static void BroadcastRow(ref float a, int aColumnStride, ref float b, int bRowStride, ref float c, int k, bool accumulate)
    {
        Vector<float> sum = default;
        for (int p = 0; p < k; p++)
            sum = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref a, p * aColumnStride)), Vector.LoadUnsafe(ref b, (nuint)(p * bRowStride)), sum);
        Store(sum, ref c, 0, accumulate);
    }

    private static float Dot(ReadOnlySpan<float> a, int aStart, ReadOnlySpan<float> b, int bStart, int k) =>
        TensorPrimitives.Dot(a.Slice(aStart, k), b.Slice(bStart, k));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float destination, float value, bool accumulate) =>
        destination = accumulate ? destination + value : value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<float> value, ref float destination, int offset, bool accumulate)
    {
        if (accumulate) value += Vector.LoadUnsafe(ref destination, (nuint)offset);
        value.StoreUnsafe(ref destination, (nuint)offset);
    }

    /// <summary>Checks that a span holds every element a strided matrix reads, so the unchecked loops stay inside it.</summary>
    private static void CheckExtent(int length, int rows, int rowStride, int columns, int columnStride, string name)
    {
        if (rows < 0 || columns < 0 || rowStride < 0 || columnStride < 0) ThrowNegative(name);
        if (rows == 0 || columns == 0) return;
        long last = (long)(rows - 1) * rowStride + (long)(columns - 1) * columnStride;
        if (last >= length) ThrowTooShort(name, length, last + 1);
    }

    [DoesNotReturn]
    private static void ThrowNegative(string name) =>
        throw new ArgumentOutOfRangeException(name, $"Matrix '{name}' has a negative dimension or stride.");

    [DoesNotReturn]
    private static void ThrowTooShort(string name, int length, long needed) =>
        throw new ArgumentException($"Matrix '{name}' needs {needed} elements but its span holds {length}.", name);
}
