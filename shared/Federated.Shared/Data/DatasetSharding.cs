namespace Federated.Shared.Data;

/// <summary>
/// IID partitions of a dataset: a seeded shuffle, then contiguous slices whose sizes differ by
/// at most one. With the same seed every client computes the same permutation, so the shards
/// of one federation are disjoint and together cover the data without any coordination.
/// </summary>
public static class DatasetSharding
{
    /// <summary>The <paramref name="shardIndex"/>-th of <paramref name="shardCount"/> IID shards.</summary>
    public static LabeledDataset Shard(LabeledDataset data, int shardIndex, int shardCount, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (shardCount < 1)
            throw new ArgumentOutOfRangeException(nameof(shardCount), shardCount, "shardCount must be at least 1.");
        if (shardCount > data.Count)
            throw new ArgumentOutOfRangeException(nameof(shardCount), shardCount, $"shardCount ({shardCount}) exceeds the number of examples ({data.Count}); some shards would be empty.");
        if ((uint)shardIndex >= (uint)shardCount)
            throw new ArgumentOutOfRangeException(nameof(shardIndex), shardIndex, $"shardIndex must be in [0, {shardCount}) for {shardCount} shards.");

        var order = new int[data.Count];
        SeededShuffle.FillPermutation(order, seed);
        // Boundaries ⌊n·k/s⌋ make slice sizes ⌊n/s⌋ or ⌈n/s⌉ and leave no example out.
        int start = (int)((long)data.Count * shardIndex / shardCount);
        int end = (int)((long)data.Count * (shardIndex + 1) / shardCount);
        return data.Select(order.AsSpan(start, end - start));
    }

    /// <summary>
    /// Splits off a held-out part (for a client's local evaluation): a seeded shuffle, then the
    /// first ⌊n·(1 − heldOutFraction)⌉ examples train and the rest are held out. Both parts get at least one example.
    /// </summary>
    public static (LabeledDataset Train, LabeledDataset HeldOut) Split(LabeledDataset data, double heldOutFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(heldOutFraction > 0 && heldOutFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction, "heldOutFraction must be strictly between 0 and 1.");
        if (data.Count < 2)
            throw new ArgumentException($"Splitting needs at least 2 examples, the dataset has {data.Count}.", nameof(data));

        var order = new int[data.Count];
        SeededShuffle.FillPermutation(order, seed);
        int heldOut = Math.Clamp((int)Math.Round(data.Count * heldOutFraction, MidpointRounding.AwayFromZero), 1, data.Count - 1);
        int train = data.Count - heldOut;
        return (data.Select(order.AsSpan(0, train)), data.Select(order.AsSpan(train)));
    }
}
