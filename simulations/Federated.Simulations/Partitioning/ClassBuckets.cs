namespace Federated.Simulations.Partitioning;

/// <summary>
/// Example indices grouped by label with a counting sort: class 0's indices, then class 1's, …,
/// ascending within a class. That is the stable sort by label the shard split needs, and the
/// per-class index lists the Dirichlet split draws from.
/// </summary>
internal sealed class ClassBuckets
{
    private readonly int[] _indices;
    private readonly int[] _starts;

    private ClassBuckets(int[] indices, int[] starts)
    {
        _indices = indices;
        _starts = starts;
    }

    public int ClassCount => _starts.Length - 1;

    /// <summary>All indices, sorted by label (ties by index until a caller shuffles a class).</summary>
    public Span<int> All => _indices;

    /// <summary>The indices of class <paramref name="label"/>.</summary>
    public Span<int> Of(int label) => _indices.AsSpan(_starts[label], _starts[label + 1] - _starts[label]);

    public static ClassBuckets Build(ReadOnlySpan<int> labels, int classCount)
    {
        var starts = new int[classCount + 1];
        for (int i = 0; i < labels.Length; i++) starts[labels[i] + 1]++;
        for (int k = 0; k < classCount; k++) starts[k + 1] += starts[k];

        var next = starts[..classCount];
        var indices = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++) indices[next[labels[i]]++] = i;
        return new ClassBuckets(indices, starts);
    }
}
