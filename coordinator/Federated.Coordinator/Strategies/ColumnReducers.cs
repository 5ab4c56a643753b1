namespace Federated.Coordinator.Strategies;

/// <summary>Reduces one coordinate's values across updates to one value; may reorder them.</summary>
internal interface IColumnReducer
{
    float Reduce(Span<float> column);
}

/// <summary>
/// Coordinate-wise median (Yin et al. 2018, "Byzantine-Robust Distributed Learning: Towards Optimal
/// Statistical Rates", Option I); the mean of the two middle values for an even count.
/// </summary>
internal readonly struct MedianReducer : IColumnReducer
{
    public float Reduce(Span<float> column)
    {
        column.Sort();
        return SortedMedian(column);
    }

    internal static float SortedMedian(ReadOnlySpan<float> sorted)
    {
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (float)(((double)sorted[middle - 1] + sorted[middle]) / 2);
    }
}

/// <summary>
/// Coordinate-wise trimmed mean (Yin et al. 2018, Option II): drops the ⌊β n⌋ largest and ⌊β n⌋ smallest
/// values of the coordinate and averages the rest.
/// </summary>
internal readonly struct TrimmedMeanReducer(double fraction) : IColumnReducer
{
    public float Reduce(Span<float> column)
    {
        column.Sort();
        int cut = (int)(fraction * column.Length);
        return Mean(column[cut..^cut]);
    }

    internal static float Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float value in values) sum += value;
        return (float)(sum / values.Length);
    }
}

/// <summary>
/// Bulyan's second phase (El Mhamdi, Guerraoui and Rouault 2018, "The Hidden Vulnerability of Distributed
/// Learning in Byzantium"): the mean of the <paramref name="keep"/> values closest to the coordinate's median.
/// </summary>
internal readonly struct ClosestToMedianMeanReducer(int keep) : IColumnReducer
{
    public float Reduce(Span<float> column)
    {
        column.Sort();
        double median = MedianReducer.SortedMedian(column);
        // Sorted, so the values closest to the median form a window grown outwards from the middle.
        int low = (column.Length - 1) / 2, high = column.Length / 2;
        int taken = 0;
        if (low == high)
        {
            taken = 1;
            low--;
            high++;
        }
        else
        {
            high = low + 1;
        }
        while (taken < keep)
        {
            bool takeLow = high >= column.Length || (low >= 0 && median - column[low] <= column[high] - median);
            if (takeLow) low--;
            else high++;
            taken++;
        }
        return TrimmedMeanReducer.Mean(column[(low + 1)..high]);
    }
}
