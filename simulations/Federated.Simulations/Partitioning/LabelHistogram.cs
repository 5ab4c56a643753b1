using Federated.Shared.Data;

namespace Federated.Simulations.Partitioning;

/// <summary>
/// How many examples of each label every client holds under a partition: a clients × classes
/// count matrix, flat and client-major, with summary statistics (<c>LabelHistogram.Summary.cs</c>)
/// and text and CSV output (<c>LabelHistogram.Output.cs</c>).
/// </summary>
public sealed partial class LabelHistogram
{
    private readonly int[] _counts;
    private readonly int[] _totals;

    private LabelHistogram(int clientCount, int classCount, int[] counts, int[] totals)
    {
        ClientCount = clientCount;
        ClassCount = classCount;
        _counts = counts;
        _totals = totals;
    }

    public int ClientCount { get; }

    public int ClassCount { get; }

    /// <summary>Counts, client-major: client j's count of label k is at <c>j · ClassCount + k</c>.</summary>
    public ReadOnlySpan<int> Counts => _counts;

    /// <summary>Examples per client.</summary>
    public ReadOnlySpan<int> Totals => _totals;

    /// <summary>Client <paramref name="client"/>'s count of each label.</summary>
    public ReadOnlySpan<int> ClientCounts(int client) => _counts.AsSpan(client * ClassCount, ClassCount);

    public int Count(int client, int label) => _counts[client * ClassCount + label];

    /// <summary>Counts the labels of <paramref name="data"/> at each client's indices.</summary>
    public static LabelHistogram Compute(LabeledDataset data, int[][] partition)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(partition);
        int classCount = data.ClassCount;
        var counts = new int[partition.Length * classCount];
        var totals = new int[partition.Length];
        ReadOnlySpan<int> labels = data.Labels;
        for (int j = 0; j < partition.Length; j++)
        {
            int[] indices = partition[j] ?? throw new ArgumentException($"Client {j}'s index array is null.", nameof(partition));
            Span<int> row = counts.AsSpan(j * classCount, classCount);
            for (int i = 0; i < indices.Length; i++)
            {
                int index = indices[i];
                if ((uint)index >= (uint)labels.Length)
                    throw new ArgumentException($"Client {j} holds index {index} at position {i}, outside the dataset's [0, {labels.Length}).", nameof(partition));
                row[labels[index]]++;
            }
            totals[j] = indices.Length;
        }
        return new LabelHistogram(partition.Length, classCount, counts, totals);
    }
}
