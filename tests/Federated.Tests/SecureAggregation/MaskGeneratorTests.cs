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
    public void Stream_is_aes_ctr_across_the_chunk_boundary()
    {
        using var generator = new MaskGenerator();
        var stream = new uint[300_000]; // crosses the 262,144-word (1 MB) chunk boundary
        generator.Fill(Seed(3), stream);

        // Word w is word w mod 4 of AES-256(seed, little-endian 128-bit counter w / 4).
        using var aes = Aes.Create();
        aes.Key = Seed(3);
        foreach (int word in new[] { 0, 5, 262_140, 262_143, 262_144, 262_149, 299_999 })
        {
            var counter = new byte[16];
            BitConverter.TryWriteBytes(counter, (ulong)(word / 4));
            var block = aes.EncryptEcb(counter, PaddingMode.None);
            Assert.Equal(BitConverter.ToUInt32(block, 4 * (word % 4)), stream[word]);
        }
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
