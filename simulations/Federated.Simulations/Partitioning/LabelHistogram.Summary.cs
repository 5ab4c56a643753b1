namespace Federated.Simulations.Partitioning;

/// <summary>Summary statistics of a <see cref="LabelHistogram"/>.</summary>
public sealed partial class LabelHistogram
{
    public long TotalExamples
    {
        get
        {
            long sum = 0;
            foreach (int total in _totals) sum += total;
            return sum;
        }
    }

    public int MinExamples => ClientCount == 0 ? 0 : Min(_totals);

    public int MaxExamples => ClientCount == 0 ? 0 : Max(_totals);

    /// <summary>Median examples per client (the mean of the middle two for an even count).</summary>
    public double MedianExamples
    {
        get
        {
            if (ClientCount == 0) return 0;
            int[] sorted = (int[])_totals.Clone();
            Array.Sort(sorted);
            int middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + (double)sorted[middle]) / 2;
        }
    }

    /// <summary>Labels with at least one example, per client.</summary>
    public int DistinctLabels(int client)
    {
        int distinct = 0;
        foreach (int count in ClientCounts(client))
        {
            if (count > 0) distinct++;
        }
        return distinct;
    }

    public int MinDistinctLabels => Fold(client => DistinctLabels(client), Math.Min);

    public int MaxDistinctLabels => Fold(client => DistinctLabels(client), Math.Max);

    public double MeanDistinctLabels
    {
        get
        {
            if (ClientCount == 0) return 0;
            long sum = 0;
            for (int j = 0; j < ClientCount; j++) sum += DistinctLabels(j);
            return (double)sum / ClientCount;
        }
    }

    /// <summary>The largest label count of a client over its total (0 for an empty client).</summary>
    public double DominantShare(int client)
    {
        int total = _totals[client];
        return total == 0 ? 0 : (double)Max(ClientCounts(client)) / total;
    }

    /// <summary>Mean of <see cref="DominantShare"/> over clients that hold any example.</summary>
    public double MeanDominantShare
    {
        get
        {
            double sum = 0;
            int nonEmpty = 0;
            for (int j = 0; j < ClientCount; j++)
            {
                if (_totals[j] == 0) continue;
                sum += DominantShare(j);
                nonEmpty++;
            }
            return nonEmpty == 0 ? 0 : sum / nonEmpty;
        }
    }

    public double MaxDominantShare
    {
        get
        {
            double max = 0;
            for (int j = 0; j < ClientCount; j++) max = Math.Max(max, DominantShare(j));
            return max;
        }
    }

    private int Fold(Func<int, int> value, Func<int, int, int> combine)
    {
        if (ClientCount == 0) return 0;
        int result = value(0);
        for (int j = 1; j < ClientCount; j++) result = combine(result, value(j));
        return result;
    }

    private static int Min(ReadOnlySpan<int> values)
    {
        int min = int.MaxValue;
        foreach (int v in values) min = Math.Min(min, v);
        return min;
    }

    private static int Max(ReadOnlySpan<int> values)
    {
        int max = int.MinValue;
        foreach (int v in values) max = Math.Max(max, v);
        return max;
    }
}
