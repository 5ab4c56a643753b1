using System.Buffers;
using System.Numerics.Tensors;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// Krum's scoring (Blanchard et al. 2017, "Machine Learning with Adversaries: Byzantine Tolerant Gradient
/// Descent"): an update's score is the sum of squared distances to its n − f − 2 nearest neighbours;
/// the lowest scores are the most central updates.
/// </summary>
internal static class KrumSelection
{
    /// <summary>All pairwise squared Euclidean distances (n × n, row-major, in doubles), computed block by block.</summary>
    public static double[] PairwiseSquaredDistances(UpdateBuffer updates)
    {
        int n = updates.Count;
        var distances = new double[n * n];
        int block = CoordinateWise.BlockLength(updates, n + 1);
        float[] rows = ArrayPool<float>.Shared.Rent(block * n);
        float[] difference = ArrayPool<float>.Shared.Rent(block);
        try
        {
            for (int start = 0; start < updates.Length; start += block)
            {
                int length = Math.Min(block, updates.Length - start);
                for (int i = 0; i < n; i++)
                {
                    var row = rows.AsSpan(i * length, length);
                    var values = updates.Read(i, start, row);
                    if (!values.Overlaps(row)) values.CopyTo(row);
                }
                var diff = difference.AsSpan(0, length);
                for (int i = 0; i < n; i++)
                {
                    var a = rows.AsSpan(i * length, length);
                    for (int j = i + 1; j < n; j++)
                    {
                        TensorPrimitives.Subtract(a, rows.AsSpan(j * length, length), diff);
                        distances[i * n + j] += TensorPrimitives.SumOfSquares<float>(diff);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(difference);
            ArrayPool<float>.Shared.Return(rows);
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) distances[i * n + j] = distances[j * n + i];
        return distances;
    }

    /// <summary>Krum scores of the candidates among each other, each summing its <paramref name="neighbours"/> smallest distances.</summary>
    public static double[] Scores(ReadOnlySpan<double> distances, int n, ReadOnlySpan<int> candidates, int neighbours)
    {
        var scores = new double[candidates.Length];
        var others = new double[Math.Max(candidates.Length - 1, 0)];
        for (int c = 0; c < candidates.Length; c++)
        {
            int count = 0;
            for (int o = 0; o < candidates.Length; o++)
                if (o != c) others[count++] = distances[candidates[c] * n + candidates[o]];
            Array.Sort(others);
            double score = 0;
            for (int k = 0; k < neighbours; k++) score += others[k];
            scores[c] = score;
        }
        return scores;
    }

    /// <summary>Multi-Krum: the <paramref name="select"/> updates with the lowest scores (ties to the earlier update).</summary>
    public static int[] MultiKrum(ReadOnlySpan<double> distances, int n, int byzantine, int select)
    {
        var all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        var scores = Scores(distances, n, all, n - byzantine - 2);
        // Stable: sort the indices by score, ties in index order.
        Array.Sort(all, (a, b) => scores[a] != scores[b] ? scores[a].CompareTo(scores[b]) : a.CompareTo(b));
        return all[..select];
    }

    /// <summary>
    /// Bulyan's first phase (El Mhamdi et al. 2018): apply Krum again and again, each time moving the chosen
    /// update from the remaining set to the selection, until <paramref name="select"/> are chosen. Krum on r
    /// remaining updates sums max(1, r − f − 2) neighbour distances (capped at r − 1).
    /// </summary>
    public static int[] Recursive(ReadOnlySpan<double> distances, int n, int byzantine, int select)
    {
        var remaining = new List<int>(n);
        for (int i = 0; i < n; i++) remaining.Add(i);
        var selected = new int[select];
        for (int s = 0; s < select; s++)
        {
            int r = remaining.Count;
            int neighbours = Math.Min(Math.Max(1, r - byzantine - 2), r - 1);
            var scores = Scores(distances, n, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(remaining), neighbours);
            int best = 0;
            for (int c = 1; c < scores.Length; c++)
                if (scores[c] < scores[best]) best = c;
            selected[s] = remaining[best];
            remaining.RemoveAt(best);
        }
        return selected;
    }
}
