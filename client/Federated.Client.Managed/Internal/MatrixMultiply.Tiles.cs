using System.Numerics;
using System.Runtime.CompilerServices;

namespace Federated.Client.Managed.Internal;

/// <summary>
/// The register tiles: each keeps eight vector accumulators live (within x64's sixteen and
/// NEON's thirty-two vector registers) so every load feeds more than one fused multiply-add.
/// </summary>
internal static partial class MatrixMultiply
{
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
}
