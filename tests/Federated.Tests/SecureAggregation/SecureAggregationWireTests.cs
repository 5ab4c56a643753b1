using System.Buffers.Binary;
using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

public class SecureAggregationWireTests
{
    private static readonly long Round = 0x0102_0304_0506_0708;

    // ---------------- round trips ----------------

    public static TheoryData<SecureAggregationOptions> OptionVariants() => new()
    {
        new SecureAggregationOptions { ClientCount = 10, VectorLength = 37 },
        new SecureAggregationOptions { ClientCount = 100, VectorLength = 1_199_882, NeighbourDegree = 14, Threshold = 9, MinimumSurvivors = 60, ClipRange = 0.25f, BitWidth = 24, MaxExampleWeight = 600f },
        new SecureAggregationOptions { ClientCount = 50, VectorLength = 1, NeighbourDegree = 12, ThresholdFraction = 0.75, ClipRange = 3.5f },
        new SecureAggregationOptions { ClientCount = 3, VectorLength = 5, MinimumSurvivors = 2, BitWidth = 8 },
    };

    [Theory]
    [MemberData(nameof(OptionVariants))]
    public void Setup_round_trips_every_option_set_or_unset(SecureAggregationOptions options)
    {
        var setup = new SecureAggregationSetup(Round, 3, Bytes(32, 1), options);
        var bytes = SecureAggregationWire.Write(setup);
        var read = SecureAggregationWire.ReadSetup(bytes);

        Assert.Equal(92, bytes.Length);
        Assert.Equal(setup.RoundId, read.RoundId);
        Assert.Equal(setup.ClientIndex, read.ClientIndex);
        Assert.Equal(setup.GraphSeed, read.GraphSeed);
        AssertSameOptions(options, read.Options);
        Assert.Equal(bytes, SecureAggregationWire.Write(read));
    }

    [Fact]
    public void Header_is_magic_type_and_version()
    {
        var bytes = SecureAggregationWire.Write(Keys(4));
        Assert.Equal("FSA1"u8.ToArray(), bytes[..4]);
        Assert.Equal(2, bytes[4]);
        Assert.Equal(1, bytes[5]);
        Assert.Equal(Round, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(14)));
    }

    [Fact]
    public void Advertised_keys_round_trip()
    {
        var keys = Keys(9);
        var bytes = SecureAggregationWire.Write(keys);
        var read = SecureAggregationWire.ReadAdvertisedKeys(bytes);

        Assert.Equal(84, bytes.Length);
        AssertSameKeys(keys, read);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(14)]
    public void Neighbour_keys_round_trip(int count)
    {
        var message = new NeighbourKeys(Round, 2, [.. Enumerable.Range(3, count).Select(Keys)]);
        var bytes = SecureAggregationWire.Write(message);
        var read = SecureAggregationWire.ReadNeighbourKeys(bytes);

        Assert.Equal(22 + 78 * count, bytes.Length);
        Assert.Equal((message.RoundId, message.Recipient), (read.RoundId, read.Recipient));
        Assert.Equal(count, read.Neighbours.Count);
        for (int i = 0; i < count; i++) AssertSameKeys(message.Neighbours[i], read.Neighbours[i]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(14)]
    public void Share_keys_and_share_bundles_round_trip(int count)
    {
        var shares = Enumerable.Range(1, count).Select(i => new EncryptedShare(Round - i, 5, i + 10, Bytes(104 + i % 3, i))).ToArray();
        var sent = new ShareKeysMessage(Round, 5, shares);
        var readSent = SecureAggregationWire.ReadShareKeys(SecureAggregationWire.Write(sent));
        Assert.Equal((sent.RoundId, sent.Sender), (readSent.RoundId, readSent.Sender));
        AssertSameShares(shares, readSent.Shares);

        var bundle = new ShareBundle(Round, 6, shares);
        var readBundle = SecureAggregationWire.ReadShareBundle(SecureAggregationWire.Write(bundle));
        Assert.Equal((bundle.RoundId, bundle.Recipient), (readBundle.RoundId, readBundle.Recipient));
        AssertSameShares(shares, readBundle.Shares);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1001)]
    public void Masked_input_round_trips(int count)
    {
        var values = new uint[count];
        var random = new Random(count);
        for (int i = 0; i < count; i++) values[i] = (uint)random.NextInt64(0, 1L << 32);
        if (count > 0) values[^1] = uint.MaxValue;
        var read = SecureAggregationWire.ReadMaskedInput(SecureAggregationWire.Write(new MaskedInput(Round, 8, values)));

        Assert.Equal((Round, 8), (read.RoundId, read.Sender));
        Assert.Equal(values, read.Values);
    }

    [Fact]
    public void Masked_input_values_are_raw_little_endian_uint32()
    {
        var bytes = SecureAggregationWire.Write(new MaskedInput(Round, 1, [0x0A0B0C0Du, 1u]));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(18)));
        Assert.Equal(new byte[] { 0x0D, 0x0C, 0x0B, 0x0A, 1, 0, 0, 0 }, bytes[22..]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(1_199_882)]
    public void Masked_input_wire_size_is_4_times_m_plus_1_plus_a_22_byte_header(int m)
    {
        var bytes = SecureAggregationWire.Write(new MaskedInput(Round, 1, new uint[m + 1]));
        Assert.Equal(4L * (m + 1) + 22, bytes.Length);
    }

    [Theory]
    [InlineData(new int[0], new int[0])]
    [InlineData(new[] { 1, 4, 9 }, new int[0])]
    [InlineData(new int[0], new[] { 2 })]
    [InlineData(new[] { 1, 4, 9 }, new[] { 2, 3, int.MaxValue })]
    public void Unmask_request_round_trips(int[] surviving, int[] dropped)
    {
        var read = SecureAggregationWire.ReadUnmaskRequest(SecureAggregationWire.Write(new UnmaskRequest(Round, 4, surviving, dropped)));
        Assert.Equal((Round, 4), (read.RoundId, read.Recipient));
        Assert.Equal(surviving, read.SurvivingNeighbours);
        Assert.Equal(dropped, read.DroppedNeighbours);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    public void Unmask_response_round_trips_both_kinds(int count)
    {
        var shares = Enumerable.Range(1, count)
            .Select(i => new RevealedShare(i, i % 2 == 0 ? RevealedShareKind.MaskPrivateKey : RevealedShareKind.SelfMaskSeed, Bytes(40, i)))
            .ToArray();
        var read = SecureAggregationWire.ReadUnmaskResponse(SecureAggregationWire.Write(new UnmaskResponse(Round, 3, shares)));

        Assert.Equal((Round, 3), (read.RoundId, read.Sender));
        Assert.Equal(count, read.Shares.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal((shares[i].Owner, shares[i].Kind), (read.Shares[i].Owner, read.Shares[i].Kind));
            Assert.Equal(shares[i].Share, read.Shares[i].Share);
        }
    }

    // ---------------- a real round through the wire ----------------

    [Theory]
    [InlineData(10, false)]
    [InlineData(20, true)]
    public void Protocol_round_with_every_message_through_the_wire_sums_correctly(int n, bool sparse)
    {
        var options = SecureAggregationEndToEndTests.Options(n, sparse, 0.3);
        using var driver = new SecureAggregationDriver(options, seed: 300 + n, onSetup: s => SecureAggregationWire.ReadSetup(SecureAggregationWire.Write(s)));
        int carried = 0;
        T Carry<T>(T message, Func<T, byte[]> write, Func<byte[], T> read)
        {
            carried++;
            return read(write(message));
        }
        driver.OnKeys = m => Carry(m, SecureAggregationWire.Write, b => SecureAggregationWire.ReadAdvertisedKeys(b));
        driver.OnNeighbourKeys = m => Carry(m, SecureAggregationWire.Write, b => SecureAggregationWire.ReadNeighbourKeys(b));
        driver.OnShares = m => Carry(m, SecureAggregationWire.Write, b => SecureAggregationWire.ReadShareKeys(b));
        driver.OnBundle = m => Carry(m, SecureAggregationWire.Write, b => SecureAggregationWire.ReadShareBundle(b));
        driver.OnMaskedInput = m => Carry(m, SecureAggregationWire.Write, b => SecureAggregationWire.ReadMaskedInput(b));
        driver.OnUnmaskRequest = m => Carry(m, SecureAggregationWire.Write, b => SecureAggregationWire.ReadUnmaskRequest(b));
        driver.OnUnmask = m => Carry(m, SecureAggregationWire.Write, b => SecureAggregationWire.ReadUnmaskResponse(b));

        // Two clients drop after sharing keys, so the unmask requests and responses carry both kinds.
        var result = driver.Run(null, null, new HashSet<int> { 2, 5 });

        Assert.True(result is not null, driver.Server.AbortReason);
        SecureAggregationEndToEndTests.AssertSumMatches(driver, result);
        Assert.Equal(n - 2, result.IncludedClients.Length);
        Assert.Empty(driver.ClientRefusals);
        Assert.Empty(driver.Server.Rejections);
        // Keys, neighbour keys and shares from all n; bundles, masked inputs, requests and responses for the n − 2 left.
        Assert.Equal(3 * n + 4 * (n - 2), carried);
    }

    // ---------------- malformed input ----------------

    [Fact]
    public void Wrong_magic_is_refused()
    {
        var bytes = SecureAggregationWire.Write(Keys(1));
        bytes[0] = (byte)'X';
        var e = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadAdvertisedKeys(bytes));
        Assert.Equal("Malformed AdvertisedKeys message: wrong magic 0x58534131 (expected \"FSA1\", 0x46534131).", e.Message);
        Assert.Equal(SecureAggregationPhase.AdvertiseKeys, e.Phase);
    }

    [Fact]
    public void Reading_a_share_bundle_from_advertised_keys_names_both_types()
    {
        var bytes = SecureAggregationWire.Write(Keys(1));
        var e = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadShareBundle(bytes));
        Assert.Equal("Malformed ShareBundle message: wrong message type 2 (AdvertisedKeys); expected 5 (ShareBundle).", e.Message);
        Assert.Equal(SecureAggregationPhase.MaskedInput, e.Phase);
    }

    [Fact]
    public void Unknown_message_type_and_version_are_refused()
    {
        var bytes = SecureAggregationWire.Write(new MaskedInput(Round, 1, [1, 2]));
        bytes[4] = 200;
        var type = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadMaskedInput(bytes));
        Assert.Contains("wrong message type 200 (unknown type 200)", type.Message, StringComparison.Ordinal);

        bytes[4] = 6;
        bytes[5] = 2;
        var version = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadMaskedInput(bytes));
        Assert.Equal("Malformed MaskedInput message: unsupported format version 2 (this reader knows version 1).", version.Message);
    }

    public static TheoryData<string> MessageKinds() => ["setup", "keys", "neighbours", "shares", "bundle", "masked", "request", "response"];

    [Theory]
    [MemberData(nameof(MessageKinds))]
    public void Every_truncation_of_every_message_type_is_refused(string kind)
    {
        var (bytes, read, name) = Sample(kind);
        for (int length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<SecureAggregationException>(() => read(bytes[..length]));
            // Cut inside a field ("truncated at offset …"), or after a count the rest cannot hold ("… only n remain").
            Assert.Matches($"^Malformed {name} message: (truncated|the (count|length) of .* remain\\.$)", e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(MessageKinds))]
    public void Trailing_bytes_after_every_message_type_are_refused(string kind)
    {
        var (bytes, read, name) = Sample(kind);
        var e = Assert.Throws<SecureAggregationException>(() => read([.. bytes, 0, 0, 0]));
        Assert.Equal($"Malformed {name} message: 3 trailing bytes after the last field (offset {bytes.Length} of {bytes.Length + 3}).", e.Message);
    }

    [Fact]
    public void Truncation_message_names_field_and_offset()
    {
        var bytes = SecureAggregationWire.Write(Keys(1));
        var e = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadAdvertisedKeys(bytes.AsSpan(0, 60)));
        Assert.Equal("Malformed AdvertisedKeys message: truncated at offset 52 reading MaskPublicKey: needs 32 bytes, 8 remain.", e.Message);
    }

    [Theory]
    [InlineData("neighbours", 18, "Neighbours")]
    [InlineData("shares", 18, "Shares")]
    [InlineData("bundle", 18, "Shares")]
    [InlineData("masked", 18, "Values")]
    [InlineData("request", 18, "SurvivingNeighbours")]
    [InlineData("response", 18, "Shares")]
    public void Hostile_counts_are_refused_before_allocating(string kind, int countOffset, string field)
    {
        var (bytes, read, name) = Sample(kind);
        foreach (uint count in new[] { uint.MaxValue, 0x4000_0000u, 1_000_000u })
        {
            var hostile = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(hostile.AsSpan(countOffset), count);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<SecureAggregationException>(() => read(hostile));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.StartsWith($"Malformed {name} message: the count of {field} at offset {countOffset} is {count}, which needs at least ", e.Message, StringComparison.Ordinal);
            Assert.Contains($"but only {bytes.Length - countOffset - 4} remain", e.Message, StringComparison.Ordinal);
            Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes refusing count {count}");
        }
    }

    [Fact]
    public void Hostile_ciphertext_length_inside_a_share_is_refused()
    {
        var (bytes, read, _) = Sample("bundle");
        // First share starts at 22: round (8), sender (4), recipient (4), then the ciphertext length.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(38), uint.MaxValue);
        var e = Assert.Throws<SecureAggregationException>(() => read(bytes));
        Assert.StartsWith("Malformed ShareBundle message: the length of Ciphertext at offset 38 is 4294967295", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(255)]
    public void Key_of_wrong_length_is_refused(byte length)
    {
        var bytes = SecureAggregationWire.Write(Keys(1));
        bytes[18] = length; // EncryptionPublicKey's length byte
        var e = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadAdvertisedKeys(bytes));
        Assert.Equal($"Malformed AdvertisedKeys message: EncryptionPublicKey is {length} bytes at offset 18; keys and seeds are 32 bytes.", e.Message);

        var setup = SecureAggregationWire.Write(new SecureAggregationSetup(Round, 1, Bytes(32, 1), new SecureAggregationOptions { ClientCount = 3, VectorLength = 1 }));
        setup[18] = length;
        var seed = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadSetup(setup));
        Assert.Contains("GraphSeed is", seed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(255)]
    public void Unknown_revealed_share_kind_is_refused(byte kind)
    {
        var bytes = SecureAggregationWire.Write(new UnmaskResponse(Round, 3, [new RevealedShare(7, RevealedShareKind.SelfMaskSeed, Bytes(40, 1))]));
        bytes[26] = kind; // after header (6), round (8), sender (4), count (4), owner (4)
        var e = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadUnmaskResponse(bytes));
        Assert.Equal($"Malformed UnmaskResponse message: share 0 (of client 7) has unknown RevealedShareKind {kind}.", e.Message);
        Assert.Equal(SecureAggregationPhase.Unmasking, e.Phase);
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_options_reason()
    {
        var bytes = SecureAggregationWire.Write(new SecureAggregationSetup(Round, 1, Bytes(32, 1), new SecureAggregationOptions { ClientCount = 10, VectorLength = 4 }));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(51), 2); // ClientCount
        var e = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadSetup(bytes));
        Assert.StartsWith("Malformed SecureAggregationSetup message: invalid options: ClientCount must be at least 3 (was 2).", e.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentException>(e.InnerException);

        var conflict = SecureAggregationWire.Write(new SecureAggregationSetup(Round, 1, Bytes(32, 1), new SecureAggregationOptions { ClientCount = 10, VectorLength = 4, Threshold = 5 }));
        conflict[59] |= 4; // ThresholdFraction flag as well: field holds 0, out of (0, 1]
        var both = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadSetup(conflict));
        Assert.Contains("invalid options: Set Threshold or ThresholdFraction, not both.", both.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_option_flags_and_values_behind_clear_flags_are_refused()
    {
        var bytes = SecureAggregationWire.Write(new SecureAggregationSetup(Round, 1, Bytes(32, 1), new SecureAggregationOptions { ClientCount = 10, VectorLength = 4 }));
        var flags = (byte[])bytes.Clone();
        flags[59] = 0x10;
        var e = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadSetup(flags));
        Assert.Equal("Malformed SecureAggregationSetup message: unknown option flags 0x10 (known: 0x0F).", e.Message);

        var hidden = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(hidden.AsSpan(60), 4); // NeighbourDegree with its flag clear
        var value = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadSetup(hidden));
        Assert.Equal("Malformed SecureAggregationSetup message: NeighbourDegree is unset but its field holds 4 (must be 0).", value.Message);
    }

    [Fact]
    public void Setup_client_index_outside_the_round_is_refused()
    {
        var bytes = SecureAggregationWire.Write(new SecureAggregationSetup(Round, 11, Bytes(32, 1), new SecureAggregationOptions { ClientCount = 10, VectorLength = 4 }));
        var e = Assert.Throws<SecureAggregationException>(() => SecureAggregationWire.ReadSetup(bytes));
        Assert.Equal("Malformed SecureAggregationSetup message: ClientIndex 11 is outside 1..ClientCount = 10.", e.Message);
    }

    [Fact]
    public void Writing_a_key_of_wrong_length_throws_argument_exception()
    {
        var e = Assert.Throws<ArgumentException>(() => SecureAggregationWire.Write(new AdvertisedKeys(Round, 1, new byte[31], new byte[32])));
        Assert.Contains("EncryptionPublicKey must be 32 bytes (was 31)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SecureAggregationWire.Write(new SecureAggregationSetup(Round, 1, new byte[16], new SecureAggregationOptions())));
    }

    // ---------------- helpers ----------------

    private static (byte[] Bytes, Func<byte[], object> Read, string Name) Sample(string kind)
    {
        var shares = new[] { new EncryptedShare(Round, 2, 3, Bytes(104, 1)), new EncryptedShare(Round, 4, 3, Bytes(104, 2)) };
        return kind switch
        {
            "setup" => (SecureAggregationWire.Write(new SecureAggregationSetup(Round, 2, Bytes(32, 3), new SecureAggregationOptions { ClientCount = 10, VectorLength = 8, NeighbourDegree = 4 })),
                b => SecureAggregationWire.ReadSetup(b), "SecureAggregationSetup"),
            "keys" => (SecureAggregationWire.Write(Keys(2)), b => SecureAggregationWire.ReadAdvertisedKeys(b), "AdvertisedKeys"),
            "neighbours" => (SecureAggregationWire.Write(new NeighbourKeys(Round, 2, [Keys(3), Keys(4)])), b => SecureAggregationWire.ReadNeighbourKeys(b), "NeighbourKeys"),
            "shares" => (SecureAggregationWire.Write(new ShareKeysMessage(Round, 2, shares)), b => SecureAggregationWire.ReadShareKeys(b), "ShareKeysMessage"),
            "bundle" => (SecureAggregationWire.Write(new ShareBundle(Round, 3, shares)), b => SecureAggregationWire.ReadShareBundle(b), "ShareBundle"),
            "masked" => (SecureAggregationWire.Write(new MaskedInput(Round, 2, [1, 2, 3, 4, 5])), b => SecureAggregationWire.ReadMaskedInput(b), "MaskedInput"),
            "request" => (SecureAggregationWire.Write(new UnmaskRequest(Round, 2, [1, 3, 4], [5])), b => SecureAggregationWire.ReadUnmaskRequest(b), "UnmaskRequest"),
            "response" => (SecureAggregationWire.Write(new UnmaskResponse(Round, 2, [new RevealedShare(2, RevealedShareKind.SelfMaskSeed, Bytes(40, 4)), new RevealedShare(5, RevealedShareKind.MaskPrivateKey, Bytes(40, 5))])),
                b => SecureAggregationWire.ReadUnmaskResponse(b), "UnmaskResponse"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static AdvertisedKeys Keys(int client) => new(Round, client, Bytes(32, 2 * client), Bytes(32, 2 * client + 1));

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void AssertSameKeys(AdvertisedKeys expected, AdvertisedKeys actual)
    {
        Assert.Equal((expected.RoundId, expected.ClientIndex), (actual.RoundId, actual.ClientIndex));
        Assert.Equal(expected.EncryptionPublicKey, actual.EncryptionPublicKey);
        Assert.Equal(expected.MaskPublicKey, actual.MaskPublicKey);
    }

    private static void AssertSameShares(EncryptedShare[] expected, IReadOnlyList<EncryptedShare> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal((expected[i].RoundId, expected[i].Sender, expected[i].Recipient), (actual[i].RoundId, actual[i].Sender, actual[i].Recipient));
            Assert.Equal(expected[i].Ciphertext, actual[i].Ciphertext);
        }
    }

    private static void AssertSameOptions(SecureAggregationOptions expected, SecureAggregationOptions actual)
    {
        Assert.Equal(expected.ClientCount, actual.ClientCount);
        Assert.Equal(expected.VectorLength, actual.VectorLength);
        Assert.Equal(expected.NeighbourDegree, actual.NeighbourDegree);
        Assert.Equal(expected.Threshold, actual.Threshold);
        Assert.Equal(expected.ThresholdFraction, actual.ThresholdFraction);
        Assert.Equal(expected.MinimumSurvivors, actual.MinimumSurvivors);
        Assert.Equal(expected.ClipRange, actual.ClipRange);
        Assert.Equal(expected.BitWidth, actual.BitWidth);
        Assert.Equal(expected.MaxExampleWeight, actual.MaxExampleWeight);
    }
}
