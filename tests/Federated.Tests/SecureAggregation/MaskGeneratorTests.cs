using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

public class MaskGeneratorTests
{
    private static byte[] Seed(int value)
    {
        var seed = new byte[32];
        new Random(value).NextBytes(seed);
        return seed;
    }

    [Fact]
    public void Same_seed_gives_the_same_stream()
    {
        using var generator = new MaskGenerator();
        var a = new uint[40_001];
        var b = new uint[40_001];
        generator.Fill(Seed(1), a);
        generator.Fill(Seed(1), b);
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(16_384)]
    [InlineData(70_000)]
    public void A_range_starting_at_a_block_gets_the_same_words_as_the_whole_stream(int firstWord)
    {
        using var generator = new MaskGenerator();
        var whole = new uint[100_003];
        generator.Add(Seed(3), whole);
        var tail = new uint[whole.Length - firstWord];
        generator.Add(Seed(3), tail, firstWord);
        Assert.Equal(whole.AsSpan(firstWord).ToArray(), tail);
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Add(Seed(3), tail, 6));
    }

    [Fact]
    public void Different_seeds_give_different_streams()
    {
        using var generator = new MaskGenerator();
        var a = new uint[1000];
        var b = new uint[1000];
        generator.Fill(Seed(1), a);
        generator.Fill(Seed(2), b);
        int equal = 0;
        for (int i = 0; i < a.Length; i++) if (a[i] == b[i]) equal++;
        Assert.True(equal <= 1, $"{equal} equal words");
    }

    [Fact]
    public void Stream_is_aes_128_ctr_keyed_with_the_first_half_of_the_seed()
    {
        using var generator = new MaskGenerator();
        var stream = new uint[300_003]; // crosses the platform path's 262,144-word (1 MB) chunk and ends mid-block
        generator.Fill(Seed(3), stream);

        // Word w is word w mod 4 of AES-128(seed[..16], little-endian 128-bit counter w / 4).
        using var aes = Aes.Create();
        aes.Key = Seed(3)[..16];
        foreach (int word in new[] { 0, 5, 31, 32, 4095, 4096, 262_140, 262_143, 262_144, 262_149, 299_999, 300_002 })
        {
            var counter = new byte[16];
            BitConverter.TryWriteBytes(counter, (ulong)(word / 4));
            var block = aes.EncryptEcb(counter, PaddingMode.None);
            Assert.Equal(BitConverter.ToUInt32(block, 4 * (word % 4)), stream[word]);
        }
    }

    [Fact]
    public void Aes_ni_key_expansion_matches_fips_197()
    {
        if (!Aes128RoundKeys.IsSupported) return; // nothing to compare without AES-NI: the platform path is the stream
        // FIPS-197 Appendix A.1: the cipher key and the last round key (w40..w43) of its expansion.
        var key = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");
        Aes128RoundKeys.Expand(key, out var keys);
        Assert.Equal(key, ToBytes(keys[0]));
        Assert.Equal(Convert.FromHexString("d014f9a8c9ee2589e13f0cc8b6630ca6"), ToBytes(keys[10]));
        Aes128RoundKeys.Clear(ref keys);
        Assert.Equal(new byte[16], ToBytes(keys[10]));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 33)]
    [InlineData(4, 4098)]
    [InlineData(28, 70_001)]
    [InlineData(262_140, 10)]
    public void Aes_ni_and_platform_aes_give_the_same_stream(int firstWord, int words)
    {
        if (!Aes128RoundKeys.IsSupported) return; // nothing to compare without AES-NI: the platform path is the stream
        var key = Seed(6).AsSpan(0, 16);
        var fast = new uint[words];
        var platform = new uint[words];
        for (int i = 0; i < words; i++) fast[i] = platform[i] = (uint)i * 2654435761u;
        Aes128RoundKeys.Expand(key, out var keys);
        AesNiCounterMode.Apply<SubtractMask>(in keys, fast, (ulong)firstWord / 4);
        using (var fallback = new PlatformCounterMode()) fallback.Apply<SubtractMask>(key, platform, (ulong)firstWord / 4);
        Assert.Equal(platform, fast);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(0, 100_003)]
    [InlineData(4096, 9_000)]
    [InlineData(20, 8_195)]
    public void Streams_applied_together_equal_streams_applied_one_by_one(int firstWord, int words)
    {
        using var generator = new MaskGenerator();
        using var streams = new MaskStreams();
        var together = new uint[words];
        for (int i = 0; i < words; i++) together[i] = (uint)i * 2246822519u;
        var oneByOne = (uint[])together.Clone();
        for (int s = 0; s < 11; s++) // more than the initial capacity
        {
            bool subtract = s % 3 == 1;
            streams.Add(Seed(100 + s), subtract);
            if (subtract) generator.Subtract(Seed(100 + s), oneByOne, firstWord);
            else generator.Add(Seed(100 + s), oneByOne, firstWord);
        }
        Assert.Equal(11, streams.Count);
        generator.Apply(streams, together, firstWord);
        Assert.Equal(oneByOne, together);
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Apply(streams, together, 2));
    }

    [Theory]
    [InlineData(0, 100_003, 3, 5)]
    [InlineData(8, 20_001, 5, 5)]
    [InlineData(16_384, 9_000, 4, 2)] // more addends than streams
    public void Addends_applied_with_the_streams_equal_a_sum_then_the_streams(int firstWord, int words, int streamCount, int addendCount)
    {
        using var generator = new MaskGenerator();
        using var streams = new MaskStreams();
        var addends = new List<uint[]>();
        var random = new Random(8);
        var expected = new uint[words];
        for (int a = 0; a < addendCount; a++)
        {
            var addend = new uint[firstWord + words + 3];
            for (int i = 0; i < addend.Length; i++) addend[i] = (uint)random.Next() * 3u;
            addends.Add(addend);
            for (int i = 0; i < words; i++) expected[i] += addend[firstWord + i];
        }
        for (int s = 0; s < streamCount; s++)
        {
            streams.Add(Seed(200 + s), subtract: s % 2 == 0);
            if (s % 2 == 0) generator.Subtract(Seed(200 + s), expected, firstWord);
            else generator.Add(Seed(200 + s), expected, firstWord);
        }
        var target = new uint[words];
        generator.Apply(streams, target, firstWord, addends);
        Assert.Equal(expected, target);
        Assert.Throws<ArgumentException>(() => generator.Apply(streams, new uint[words + 4], firstWord, addends));
    }

    private static byte[] ToBytes(Vector128<byte> block)
    {
        var bytes = new byte[16];
        block.CopyTo(bytes);
        return bytes;
    }

    [Fact]
    public void Add_then_subtract_restores_the_target()
    {
        using var generator = new MaskGenerator();
        var target = new uint[5000];
        for (int i = 0; i < target.Length; i++) target[i] = (uint)i * 2654435761u;
        var original = (uint[])target.Clone();
        generator.Add(Seed(4), target);
        Assert.NotEqual(original, target);
        generator.Subtract(Seed(4), target);
        Assert.Equal(original, target);
    }

    [Fact]
    public void Byte_distribution_passes_chi_square()
    {
        using var generator = new MaskGenerator();
        var words = new uint[1 << 18];
        generator.Fill(Seed(5), words);
        var counts = new long[256];
        foreach (uint w in words)
        {
            counts[w & 0xFF]++;
            counts[(w >> 8) & 0xFF]++;
            counts[(w >> 16) & 0xFF]++;
            counts[w >> 24]++;
        }
        Assert.InRange(ChiSquare.Statistic(counts), ChiSquare.Lower255, ChiSquare.Upper255);
    }

    [Fact]
    public void Seed_of_wrong_length_is_refused()
    {
        using var generator = new MaskGenerator();
        Assert.Throws<ArgumentException>(() => generator.Add(new byte[16], new uint[4]));
    }
}
