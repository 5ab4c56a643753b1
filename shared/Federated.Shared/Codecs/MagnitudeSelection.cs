namespace Federated.Shared.Codecs;

/// <summary>
/// Hoare's FIND (quickselect, C. A. R. Hoare 1961, "Algorithm 65: Find") with a median-of-three
/// pivot: expected O(n), in place, no allocation — the nth_element of C++ for top-k thresholds.
/// </summary>
internal static class MagnitudeSelection
{
    /// <summary>
    /// The <paramref name="k"/>-th largest of <paramref name="values"/> (1 ≤ k ≤ length), which it
    /// reorders. Values must not be NaN.
    /// </summary>
    public static float KthLargest(Span<float> values, int k)
    {
        if (k < 1 || k > values.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and the {values.Length} values.");
        return SelectAscending(values, values.Length - k);
    }

    /// <summary>The value that would sit at <paramref name="nth"/> if <paramref name="values"/> were sorted ascending.</summary>
    public static float SelectAscending(Span<float> values, int nth)
    {
        int low = 0, high = values.Length - 1;
        while (high > low)
        {
            float pivot = MedianOfThree(values[low], values[low + ((high - low) >> 1)], values[high]);
            int i = low, j = high;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            // Now values[low..j] ≤ pivot, values[i..high] ≥ pivot, and anything between equals pivot.
            if (nth <= j) high = j;
            else if (nth >= i) low = i;
            else return values[nth];
        }
        return values[nth];
    }

    private static float MedianOfThree(float a, float b, float c) =>
        a < b
            ? (b < c ? b : Math.Max(a, c))
            : (a < c ? a : Math.Max(b, c));
}
