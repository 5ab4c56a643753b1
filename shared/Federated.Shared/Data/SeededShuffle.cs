namespace Federated.Shared.Data;

/// <summary>
/// Seeded permutations of example indices, so every client, trainer and shard sees the same
/// order for the same seed on any machine (seeded <see cref="Random"/> keeps its sequence
/// across .NET versions).
/// </summary>
public static class SeededShuffle
{
    /// <summary>Fills <paramref name="order"/> with 0..n−1 and shuffles it with <paramref name="seed"/>.</summary>
    public static void FillPermutation(Span<int> order, int seed)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Shuffle(order, new Random(seed));
    }

    /// <summary>
    /// Fisher–Yates shuffle in Durstenfeld's in-place form (Knuth, TAOCP vol. 2, §3.4.2,
    /// Algorithm P): every permutation is equally likely.
    /// </summary>
    public static void Shuffle(Span<int> values, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>Folds a 64-bit seed (as <c>TrainingConfig.Seed</c> carries) into <see cref="Random"/>'s 32 bits.</summary>
    public static int FoldSeed(long seed) => unchecked((int)seed ^ (int)(seed >>> 32));
}
