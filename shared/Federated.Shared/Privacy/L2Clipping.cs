using System.Numerics.Tensors;

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
    public static ClipOutcome Clip(Span<float> values, double clipNorm)
    {
        if (!(clipNorm > 0) || !double.IsFinite(clipNorm))
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be a positive finite number.");
        // The norm in double: a float sum of a million squares loses the digits the bound is compared on.
        double norm = Norm(values);
        if (norm <= clipNorm) return new ClipOutcome(norm, false);
        // min(1, C/‖x‖) with a factor just under the ratio so rounding can never leave the result above C.
        float scale = (float)(clipNorm / norm);
        scale = MathF.BitDecrement(scale);
        TensorPrimitives.Multiply(values, scale, values);
        return new ClipOutcome(norm, true);
    }

    /// <summary>The L2 norm, accumulated in double precision over float blocks.</summary>
    public static double Norm(ReadOnlySpan<float> values)
    {
        const int Block = 4096;
        double sum = 0;
        for (int i = 0; i < values.Length; i += Block)
        {
            var block = values.Slice(i, Math.Min(Block, values.Length - i));
            sum += TensorPrimitives.SumOfSquares(block);
        }
        return Math.Sqrt(sum);
    }
}
