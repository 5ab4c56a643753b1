using System.Buffers;

namespace Federated.SecureAggregation;

/// <summary>
/// The coordinator's unmasking as one pass over memory: for each tile of the vector, every mask stream
/// is taken off a small buffer while it sits in L1, each masked input added along with one of the
/// streams (<see cref="MaskGenerator.Apply"/>; there is a self mask per input, so never more inputs
/// than streams), and the tile is decoded straight into the weighted sum. Each masked input is read
/// once and nothing model-sized is written but the result; AES-CTR starts at any block, so the tiles
/// run on all cores with nothing to merge.
/// </summary>
internal static class UnmaskingPass
{
    /// <summary>Writes decode(Σ inputs − masks) into <paramref name="weightedSum"/> (length m) and returns Σ w.</summary>
    public static double Run(IReadOnlyList<uint[]> inputs, MaskStreams masks, SecureAggregationOptions options, float[] weightedSum)
    {
        int length = options.MaskedVectorLength;
        if (weightedSum.Length != length - 1) throw new ArgumentException($"The weighted sum has {weightedSum.Length} values, expected {length - 1}.", nameof(weightedSum));
        foreach (var input in inputs)
            if (input.Length != length) throw new ArgumentException($"A masked input has {input.Length} values, expected {length}.", nameof(inputs));
        int tileWords = MaskGenerator.TileWords;
        int tiles = (length + tileWords - 1) / tileWords;
        uint weightWord = 0;
        // One tile at a time (well under a millisecond of work at n = 100): a worker descheduled by
        // other work on the machine holds up the pass by one tile at most.
        SharedLoop<Worker>.Run(
            tiles,
            () => new Worker(tileWords),
            (index, worker) =>
            {
                int start = index * tileWords;
                var tile = worker.Tile.AsSpan(0, Math.Min(tileWords, length - start));
                tile.Clear();
                worker.Generator.Apply(masks, tile, start, inputs);
                int values = Math.Min(tile.Length, length - 1 - start);
                FixedPointEncoder.DecodeValues(tile[..values], options, weightedSum.AsSpan(start, values));
                if (start + tile.Length == length) weightWord = tile[^1];
            });
        return FixedPointEncoder.DecodeWeight(weightWord, options);
    }

    /// <summary>One thread's generator and tile buffer.</summary>
    private sealed class Worker(int tileWords) : IDisposable
    {
        public MaskGenerator Generator { get; } = new();

        public uint[] Tile { get; } = ArrayPool<uint>.Shared.Rent(tileWords);

        public void Dispose()
        {
            Generator.Dispose();
            ArrayPool<uint>.Shared.Return(Tile, clearArray: true);
        }
    }
}
