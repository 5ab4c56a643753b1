using Federated.Edge.Reference;

namespace Federated.Edge.Quantization.Internal;

/// <summary>
/// A histogram of every activation over fixed bins spanning the range a first, min-max pass found
/// (so no value falls outside it and no re-binning is needed), from which percentile ranges are read.
/// </summary>
internal sealed class HistogramObserver : IActivationObserver
{
    private readonly ActivationRange[] _ranges;
    private readonly long[][] _counts;
    private readonly int _bins;

    public HistogramObserver(ActivationRange[] ranges, int bins)
    {
        _ranges = ranges;
        _bins = bins;
        _counts = new long[ranges.Length][];
        for (int i = 0; i < ranges.Length; i++) _counts[i] = new long[bins];
    }

    public void Observe(int activation, ReadOnlySpan<float> values)
    {
        ActivationRange range = _ranges[activation];
        long[] counts = _counts[activation];
        double width = (double)range.Max - range.Min;
        if (width <= 0)
        {
            counts[0] += values.Length;
            return;
        }
        double perBin = _bins / width;
        int last = _bins - 1;
        foreach (float v in values)
        {
            int bin = (int)((v - (double)range.Min) * perBin);
            counts[bin > last ? last : bin < 0 ? 0 : bin]++;
        }
    }

    /// <summary>
    /// The range that keeps <paramref name="percentile"/> percent of the values on each side: the
    /// lower edge of the bin holding the (100 − p)-th percentile and the upper edge of the bin holding
    /// the p-th percentile (so the bin that contains a percentile is kept whole). p = 100 gives the
    /// min-max range back.
    /// </summary>
    public ActivationRange PercentileRange(int activation, double percentile)
    {
        ActivationRange range = _ranges[activation];
        long[] counts = _counts[activation];
        long total = 0;
        foreach (long c in counts) total += c;
        if (total == 0 || range.Max <= range.Min) return range;
        // Values allowed beyond each end of the kept range.
        double tail = total * (100 - percentile) / 100;

        int upper = _bins - 1;
        long above = 0;
        while (upper > 0 && above + counts[upper] <= tail)
        {
            above += counts[upper];
            upper--;
        }
        int lower = 0;
        long below = 0;
        while (lower < upper && below + counts[lower] <= tail)
        {
            below += counts[lower];
            lower++;
        }
        double width = ((double)range.Max - range.Min) / _bins;
        float min = lower == 0 ? range.Min : (float)(range.Min + lower * width);
        float max = upper == _bins - 1 ? range.Max : (float)(range.Min + (upper + 1) * width);
        return new ActivationRange(min, max);
    }
}
