using System.Numerics.Tensors;

namespace Federated.SecureAggregation;

/// <summary>
/// The PRG of Bonawitz et al. 2017 (§4, "PRG"): AES-128-CTR keyed with the first 16 bytes of a
/// 32-byte seed, over a zero IV (block i encrypts the 128-bit little-endian counter i), read as
/// little-endian uint32 words. Words are added to or subtracted from a target span mod 2^32; since 2^b
/// divides 2^32, reducing the total once mod 2^b (<see cref="FixedPointEncoder.Reduce"/>) gives the
/// same result as reducing every stream. Each seed is used for one stream only (seeds are fresh per
/// round), so a zero IV is safe.
/// </summary>
/// <remarks>
/// AES-128 rather than AES-256: 128-bit security is the level the protocol has anyway — its pairwise
/// seeds come from X25519 agreements, ~128-bit secure (RFC 7748 §1), and Bonawitz et al. 2017 evaluate
/// their protocol at that level too (P-256 key agreement, AES-GCM with 128-bit keys) — and NIST
/// SP 800-57 Part 1 (Rev. 5, Table 2) rates AES-128 at 128 bits of security strength with no end
/// date. Ten rounds instead of fourteen take 29 % off the AES work of the coordinator's mask removal,
/// the bulk of its secure-round time. Seeds stay 32 bytes (uniform, so any 16 of them are a uniform
/// key) and the wire format does not change.
/// With AES-NI the keystream is applied in registers (<see cref="AesNiCounterMode"/>); elsewhere the
/// platform AES produces the same stream (<see cref="PlatformCounterMode"/>). Not thread-safe: one
/// per thread (on AES-NI machines it holds nothing but the fallback, created on first use).
/// </remarks>
internal sealed class MaskGenerator : IDisposable
{
    public const int SeedBytes = 32;

    private PlatformCounterMode? _platform;
    private bool _disposed;

    /// <summary>
    /// Words per tile of <see cref="Apply"/>: with AES-NI a tile (32 KB) stays in L1 while every stream
    /// passes over it, and is long enough for the prefetchers to stream any addend in; the platform
    /// AES wants its large chunks instead.
    /// </summary>
    public static int TileWords => Aes128RoundKeys.IsSupported ? 8192 : PlatformCounterMode.ChunkWords;

    /// <summary>The AES-128 key of a seed's stream.</summary>
    public static ReadOnlySpan<byte> KeyOf(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedBytes) throw new ArgumentException($"A mask seed is {SeedBytes} bytes (was {seed.Length}).", nameof(seed));
        return seed[..Aes128RoundKeys.KeyBytes];
    }

    /// <summary>target += PRG(seed) mod 2^32, where target holds the stream's words from <paramref name="firstWord"/> on (a multiple of 4: CTR starts at any block).</summary>
    public void Add(ReadOnlySpan<byte> seed, Span<uint> target, int firstWord = 0) => Apply<AddMask>(seed, target, firstWord);

    /// <summary>target −= PRG(seed) mod 2^32, where target holds the stream's words from <paramref name="firstWord"/> on (a multiple of 4).</summary>
    public void Subtract(ReadOnlySpan<byte> seed, Span<uint> target, int firstWord = 0) => Apply<SubtractMask>(seed, target, firstWord);

    /// <summary>Writes the first target.Length words of PRG(seed).</summary>
    public void Fill(ReadOnlySpan<byte> seed, Span<uint> target)
    {
        target.Clear();
        Apply<AddMask>(seed, target, 0);
    }

    /// <summary>
    /// Applies every stream of <paramref name="streams"/> to <paramref name="target"/>, which holds the
    /// streams' words from <paramref name="firstWord"/> on (a multiple of 4), tile by tile: the target
    /// is read from and written to memory once, not once per stream. Each of <paramref name="addends"/>
    /// (whole vectors: word <paramref name="firstWord"/> + i goes to target[i]) is added on the way,
    /// the s-th along with stream s, where the AES units leave the load ports free.
    /// </summary>
    public void Apply(MaskStreams streams, Span<uint> target, int firstWord, IReadOnlyList<uint[]>? addends = null)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ulong firstBlock = FirstBlock(firstWord);
        addends ??= [];
        foreach (var addend in addends)
        {
            if (addend.Length < firstWord + target.Length)
                throw new ArgumentException($"An addend has {addend.Length} words; the target reaches word {firstWord + target.Length}.", nameof(addends));
        }
        if (!Aes128RoundKeys.IsSupported)
        {
            foreach (var addend in addends) TensorPrimitives.Add(target, addend.AsSpan(firstWord, target.Length), target);
            var platform = Platform();
            for (int s = 0; s < streams.Count; s++)
            {
                if (streams.Subtracts(s)) platform.Apply<SubtractMask>(streams.Key(s), target, firstBlock);
                else platform.Apply<AddMask>(streams.Key(s), target, firstBlock);
            }
            return;
        }
        int tileWords = TileWords;
        for (int start = 0; start < target.Length; start += tileWords)
        {
            var tile = target.Slice(start, Math.Min(tileWords, target.Length - start));
            ulong block = firstBlock + (ulong)(start / 4);
            for (int s = 0; s < streams.Count; s++)
            {
                ref readonly var keys = ref streams.RoundKeys(s);
                if (s < addends.Count)
                {
                    var addend = addends[s].AsSpan(firstWord + start, tile.Length);
                    if (streams.Subtracts(s)) AesNiCounterMode.Apply<SubtractMask>(in keys, tile, addend, block);
                    else AesNiCounterMode.Apply<AddMask>(in keys, tile, addend, block);
                }
                else if (streams.Subtracts(s)) AesNiCounterMode.Apply<SubtractMask>(in keys, tile, block);
                else AesNiCounterMode.Apply<AddMask>(in keys, tile, block);
            }
            for (int a = streams.Count; a < addends.Count; a++) TensorPrimitives.Add(tile, addends[a].AsSpan(firstWord + start, tile.Length), tile);
        }
    }

    private void Apply<TOperation>(ReadOnlySpan<byte> seed, Span<uint> target, int firstWord)
        where TOperation : struct, IMaskOperation
    {
        var key = KeyOf(seed);
        ulong firstBlock = FirstBlock(firstWord);
        if (!Aes128RoundKeys.IsSupported)
        {
            Platform().Apply<TOperation>(key, target, firstBlock);
            return;
        }
        Aes128RoundKeys.Expand(key, out var roundKeys);
        AesNiCounterMode.Apply<TOperation>(in roundKeys, target, firstBlock);
        Aes128RoundKeys.Clear(ref roundKeys);
    }

    private ulong FirstBlock(int firstWord)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (firstWord < 0 || firstWord % 4 != 0) throw new ArgumentOutOfRangeException(nameof(firstWord), firstWord, "The first word must be a non-negative multiple of 4 (a whole AES block).");
        return (ulong)(firstWord / 4);
    }

    private PlatformCounterMode Platform() => _platform ??= new PlatformCounterMode();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _platform?.Dispose();
    }
}
