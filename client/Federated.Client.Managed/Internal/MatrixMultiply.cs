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
internal static partial class MatrixMultiply
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
