using System.Buffers;
using System.Numerics.Tensors;
using Federated.Shared.Parameters;

namespace Federated.Shared.Codecs;

/// <summary>
/// Client-side top-k sparsification with error feedback (Stich, Cordonnier &amp; Jaggi 2018,
/// "Sparsified SGD with Memory"; Karimireddy et al. 2019, "Error Feedback Fixes SignSGD and other
/// Gradient Compression Schemes"): each step sends the k = ⌈fraction · n⌉ largest-magnitude entries
/// of update + memory and keeps the rest as the memory for the next step, so nothing is lost, only
/// delayed. One instance per client and layout; not thread-safe.
/// </summary>
public sealed class TopKSparsifier
{
    private readonly float[] _residual;

    public TopKSparsifier(ParameterLayout layout, double fraction)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!double.IsFinite(fraction) || fraction <= 0 || fraction > 1)
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction of entries to keep must be in (0, 1].");
        Layout = layout;
        Fraction = fraction;
        K = Math.Clamp(KeptCount(fraction, layout.TotalLength), Math.Min(1, layout.TotalLength), layout.TotalLength);
        _residual = new float[layout.TotalLength];
    }

    public ParameterLayout Layout { get; }

    public double Fraction { get; }

    /// <summary>Entries sent per step.</summary>
    public int K { get; }

    /// <summary>What has not been sent yet (the error-feedback memory).</summary>
    public ReadOnlySpan<float> Residual => _residual;

    /// <summary>Forgets the memory (for example when a client rejoins with a new global model).</summary>
    public void Reset() => Array.Clear(_residual);

    /// <summary>
    /// Adds <paramref name="update"/> to the memory, returns its k largest-magnitude entries (ties
    /// broken by lower index) and keeps the others as the new memory.
    /// </summary>
    public SparseUpdate Sparsify(ReadOnlySpan<float> update)
    {
        int n = _residual.Length;
        if (update.Length != n)
            throw new ArgumentException($"The update holds {update.Length} floats; the layout ({Layout}) needs {n}.", nameof(update));
        if (n > 0 && !float.IsFinite(TensorPrimitives.MaxMagnitude(update)))
            throw new ArgumentException("The update holds a non-finite value; top-k needs finite numbers.", nameof(update));

        Span<float> accumulated = _residual;
        TensorPrimitives.Add(accumulated, update, accumulated);
        float threshold = Threshold(accumulated, K);

        int above = 0;
        for (int i = 0; i < n; i++)
        {
            if (MathF.Abs(accumulated[i]) > threshold) above++;
        }
        int ties = K - above;
        var indices = new int[K];
        var values = new float[K];
        int kept = 0;
        for (int i = 0; i < n && kept < K; i++)
        {
            float magnitude = MathF.Abs(accumulated[i]);
            if (magnitude > threshold || (magnitude == threshold && ties-- > 0))
            {
                indices[kept] = i;
                values[kept] = accumulated[i];
                accumulated[i] = 0;
                kept++;
            }
        }
        return new SparseUpdate(Layout, indices, values);
    }

    /// <summary>⌈fraction · n⌉, reading a product within rounding error of an integer as that integer (0.07 × 100 is 7, not 7.000000000000001).</summary>
    private static int KeptCount(double fraction, int n)
    {
        double product = fraction * n;
        double nearest = Math.Round(product);
        return (int)(Math.Abs(product - nearest) <= 1e-9 * Math.Max(1, product) ? nearest : Math.Ceiling(product));
    }

    /// <summary>The k-th largest magnitude, by quickselect over a pooled copy of the magnitudes.</summary>
    private static float Threshold(ReadOnlySpan<float> values, int k)
    {
        if (k == 0) return float.PositiveInfinity;
        float[] magnitudes = ArrayPool<float>.Shared.Rent(values.Length);
        try
        {
            var span = magnitudes.AsSpan(0, values.Length);
            TensorPrimitives.Abs(values, span);
            return MagnitudeSelection.KthLargest(span, k);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(magnitudes);
        }
    }
}
