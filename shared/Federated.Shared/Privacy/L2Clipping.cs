using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Federated.Shared.Privacy;

/// <summary>What clipping did to one update.</summary>
/// <param name="Norm">The update's L2 norm before clipping.</param>
/// <param name="Clipped">True when the update was longer than the bound and was scaled down to it.</param>
public readonly record struct ClipOutcome(double Norm, bool Clipped)
{
    /// <summary>Whether the norm was at most the bound (the bit adaptive clipping counts; Andrew et al. 2021).</summary>
    public bool WithinBound => !Clipped;
}

/// <summary>
/// Per-update L2 clipping, the first step of every Gaussian mechanism here: it bounds one
/// participant's contribution (its sensitivity) to <c>clipNorm</c>, so noise of standard deviation
/// z·clipNorm makes the release (q, z)-subsampled-Gaussian private (Abadi et al. 2016; McMahan et
/// al. 2018, "Learning Differentially Private Recurrent Language Models", Algorithm 1).
/// </summary>
public static class L2Clipping
{
    /// <summary>Scales <paramref name="values"/> in place so that its L2 norm is at most <paramref name="clipNorm"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipNorm"/> is not a positive finite number.</exception>
    /// <exception cref="ArgumentException">The values are not all finite.</exception>
    public static ClipOutcome Clip(Span<float> values, double clipNorm)
    {
        if (!(clipNorm > 0) || !double.IsFinite(clipNorm))
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be a positive finite number.");
        double norm = Norm(values);
        if (!double.IsFinite(norm))
            throw new ArgumentException("The update holds NaN or infinite values; it cannot be clipped.", nameof(values));
        if (norm <= clipNorm) return new ClipOutcome(norm, false);
        // min(1, C/‖x‖), a float just under the ratio. Rounding each scaled value to float can still leave
        // the norm a few ulps above C, so scale again until Norm (which verifiers use too) says it is within.
        double current = norm;
        do
        {
            TensorPrimitives.Multiply(values, MathF.BitDecrement((float)(clipNorm / current)), values);
            current = Norm(values);
        }
        while (current > clipNorm);
        return new ClipOutcome(norm, true);
    }

    /// <summary>
    /// The L2 norm, each square and the sum in double precision: the squares of floats are exact in double,
    /// so the result is within ~1e-12 of the true norm however long the span (a float sum of a million
    /// squares would be off in the sixth digit, enough to misjudge an update clipped to the bound).
    /// </summary>
    public static double Norm(ReadOnlySpan<float> values)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            var low = Vector256<double>.Zero;
            var high = Vector256<double>.Zero;
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                var (a, b) = Vector256.Widen(Vector256.Create(values.Slice(i, Vector256<float>.Count)));
                low += a * a;
                high += b * b;
            }
            sum = Vector256.Sum(low + high);
        }
        for (; i < values.Length; i++) sum += (double)values[i] * values[i];
        return Math.Sqrt(sum);
    }
}
