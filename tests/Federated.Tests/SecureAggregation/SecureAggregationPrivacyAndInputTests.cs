using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

public class SecureAggregationPrivacyAndInputTests
{
    private static SecureAggregationOptions Options(int vectorLength = 37) => new() { ClientCount = 10, VectorLength = vectorLength, NeighbourDegree = 6 };

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    public void Masked_input_of_a_constant_update_looks_uniform(float constant)
    {
        var options = Options(vectorLength: 1 << 16);
        using var driver = new SecureAggregationDriver(options, seed: 31);
        for (int c = 1; c <= 10; c++) Array.Fill(driver.Inputs[c], constant);
        Assert.True(driver.AdvertiseKeys());
        Assert.True(driver.ShareKeys());
        Assert.True(driver.MaskInputs());

        var held = driver.SentMaskedInputs[3].Values;
        var lowBytes = new long[256];
        var topBytes = new long[256];
        foreach (uint v in held)
        {
            lowBytes[v & 0xFF]++;
            topBytes[v >> 24]++;
        }
        Assert.InRange(ChiSquare.Statistic(lowBytes), ChiSquare.Lower255, ChiSquare.Upper255);
        Assert.InRange(ChiSquare.Statistic(topBytes), ChiSquare.Lower255, ChiSquare.Upper255);
        // Unmasked, the same values would be a single repeated word.
        Assert.True(new HashSet<uint>(held).Count > held.Length / 2);
    }

    [Fact]
    public void Shares_for_another_round_or_a_non_neighbour_are_rejected_and_the_round_completes()
    {
        using var driver = new SecureAggregationDriver(Options(), seed: 41);
        var graph = NeighbourGraph.Create(driver.Server.GraphSeed, 10, 6);
        int stranger = 1;
        while (stranger == 2 || graph.AreNeighbours(2, stranger)) stranger++;
        driver.OnShares = message => message.Sender switch
        {
            // Client 2 points one share at a non-neighbour; client 5 sends one for round 8.
            2 => message with { Shares = [.. message.Shares.Skip(1), message.Shares[0] with { Recipient = stranger }] },
            5 => message with { Shares = [message.Shares[0] with { RoundId = 8 }, .. message.Shares.Skip(1)] },
            _ => message,
        };
        var result = driver.Run();

        Assert.NotNull(result);
        var rejections = driver.Server.Rejections;
        Assert.Contains(rejections, r => r.ClientIndex == 2 && r.Phase == SecureAggregationPhase.ShareKeys && r.Reason.Contains("not a neighbour", StringComparison.Ordinal));
        Assert.Contains(rejections, r => r.ClientIndex == 5 && r.Reason.Contains("round 8", StringComparison.Ordinal));
        Assert.DoesNotContain(2, result.IncludedClients);
        Assert.DoesNotContain(5, result.IncludedClients);
        SecureAggregationEndToEndTests.AssertSumMatches(driver, result);
    }

    [Fact]
    public void Share_with_a_flipped_byte_fails_its_tag_at_the_recipient_and_the_round_completes()
    {
        using var driver = new SecureAggregationDriver(Options(), seed: 43);
        int victimSender = -1;
        driver.OnBundle = bundle =>
        {
            if (bundle.Recipient != 4) return bundle;
            var first = bundle.Shares[0];
            victimSender = first.Sender;
            var flipped = (byte[])first.Ciphertext.Clone();
            flipped[10] ^= 0x40;
            return bundle with { Shares = [first with { Ciphertext = flipped }, .. bundle.Shares.Skip(1)] };
        };
        var result = driver.Run();

        Assert.NotNull(result);
        Assert.Contains(driver.Clients[4].Rejections, r => r.ClientIndex == victimSender && r.Reason.Contains("failed authentication", StringComparison.Ordinal));
        Assert.Equal(10, result.IncludedClients.Length);
        SecureAggregationEndToEndTests.AssertSumMatches(driver, result);
    }

    [Fact]
    public void Share_replayed_into_another_round_fails_authentication()
    {
        var seed = new byte[32];
        // Complete graph, so clients 1 and 2 are neighbours whatever the seed.
        var complete = new SecureAggregationOptions { ClientCount = 10, VectorLength = 37 };
        using var a = new SecureAggregationClient(complete, 1, 1, seed);
        using var b = new SecureAggregationClient(complete, 2, 2, seed);
        var aKeys = a.AdvertiseKeys();
        var bKeys = b.AdvertiseKeys();
        var others = new List<AdvertisedKeys>();
        var extra = new List<SecureAggregationClient>();
        for (int c = 3; c <= 10; c++)
        {
            var client = new SecureAggregationClient(complete, 1, c, seed);
            extra.Add(client);
            others.Add(client.AdvertiseKeys());
        }
        var fromA = a.ShareKeys(new NeighbourKeys(1, 1, [bKeys with { RoundId = 1 }, .. others]));
        var shareForB = fromA.Shares.Single(s => s.Recipient == 2);
        b.ShareKeys(new NeighbourKeys(2, 2, [aKeys with { RoundId = 2 }, .. others.Select(k => k with { RoundId = 2 })]));
        // b is in round 2; a's round-1 share relabelled as round 2 still carries round 1 in its AEAD data.
        var bundle = new ShareBundle(2, 2, [shareForB with { RoundId = 2 }, .. others.Take(5).Select(k => new EncryptedShare(2, k.ClientIndex, 2, new byte[ShareCipher.CiphertextBytes]))]);
        b.MaskInput(bundle, new float[37], 1f);

        Assert.Contains(b.Rejections, r => r.ClientIndex == 1 && r.Reason.Contains("failed authentication", StringComparison.Ordinal));
        foreach (var client in extra) client.Dispose();
    }

    [Fact]
    public void Masked_input_of_the_wrong_length_is_rejected_and_the_round_completes()
    {
        using var driver = new SecureAggregationDriver(Options(), seed: 47);
        driver.OnMaskedInput = m => m.Sender == 6 ? m with { Values = m.Values[..^1] } : m;
        var result = driver.Run();

        Assert.NotNull(result);
        Assert.Contains(driver.Server.Rejections, r => r.ClientIndex == 6 && r.Phase == SecureAggregationPhase.MaskedInput && r.Reason.Contains("expected 38", StringComparison.Ordinal));
        Assert.DoesNotContain(6, result.IncludedClients);
        SecureAggregationEndToEndTests.AssertSumMatches(driver, result);
    }

    [Fact]
    public void Conflicting_masked_inputs_drop_the_client_and_the_round_completes()
    {
        using var driver = new SecureAggregationDriver(Options(), seed: 53);
        driver.OnMaskedInput = m =>
        {
            if (m.Sender != 7) return m;
            var other = (uint[])m.Values.Clone();
            other[0]++;
            Assert.True(driver.Server.ReceiveMaskedInput(m));
            Assert.True(driver.Server.ReceiveMaskedInput(m)); // an identical repeat is harmless
            return m with { Values = other };
        };
        var result = driver.Run();

        Assert.NotNull(result);
        Assert.Contains(driver.Server.Rejections, r => r.ClientIndex == 7 && r.Reason.Contains("two different masked inputs", StringComparison.Ordinal));
        Assert.DoesNotContain(7, result.IncludedClients);
        Assert.Equal(9, result.IncludedClients.Length);
        SecureAggregationEndToEndTests.AssertSumMatches(driver, result);
    }

    [Fact]
    public void Conflicting_key_advertisements_drop_the_client()
    {
        using var driver = new SecureAggregationDriver(Options(), seed: 59);
        driver.OnKeys = k =>
        {
            if (k.ClientIndex != 8) return k;
            Assert.True(driver.Server.ReceiveAdvertisedKeys(k));
            var other = (byte[])k.MaskPublicKey.Clone();
            other[0] ^= 1;
            return k with { MaskPublicKey = other };
        };
        var result = driver.Run();

        Assert.NotNull(result);
        Assert.Contains(driver.Server.Rejections, r => r.ClientIndex == 8 && r.Phase == SecureAggregationPhase.AdvertiseKeys && r.Reason.Contains("two different key advertisements", StringComparison.Ordinal));
        Assert.DoesNotContain(8, result.IncludedClients);
        SecureAggregationEndToEndTests.AssertSumMatches(driver, result);
    }

    [Fact]
    public void Unmask_request_with_a_neighbour_in_both_lists_is_refused()
    {
        using var driver = new SecureAggregationDriver(Options(), seed: 61);
        Assert.True(driver.AdvertiseKeys());
        Assert.True(driver.ShareKeys());
        Assert.True(driver.MaskInputs());
        var honest = driver.Server.UnmaskRequestFor(1);
        Assert.Empty(honest.DroppedNeighbours);
        // Same number of names as the client's partners, but the first survivor is also called dropped:
        // answering would reveal both its b share and its mask-key share.
        var both = honest with { SurvivingNeighbours = honest.SurvivingNeighbours[..^1], DroppedNeighbours = [honest.SurvivingNeighbours[0]] };
        var error = Assert.Throws<SecureAggregationException>(() => driver.Clients[1].Unmask(both));
        Assert.Contains("listed twice", error.Message, StringComparison.Ordinal);
        Assert.Equal(SecureAggregationPhase.Aborted, driver.Clients[1].Phase);
    }

    [Fact]
    public void Message_for_another_round_is_refused_by_the_client()
    {
        using var driver = new SecureAggregationDriver(Options(), seed: 67);
        Assert.True(driver.AdvertiseKeys());
        var keys = driver.Server.NeighbourKeysFor(1) with { RoundId = 99 };
        var error = Assert.Throws<SecureAggregationException>(() => driver.Clients[1].ShareKeys(keys));
        Assert.Contains("round 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_name_the_offending_property()
    {
        var error = Assert.Throws<ArgumentException>(() => new SecureAggregationOptions { ClientCount = 10, VectorLength = 5, NeighbourDegree = 5 }.Validate());
        Assert.Equal("NeighbourDegree", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => new SecureAggregationOptions { ClientCount = 10, VectorLength = 5, Threshold = 3, ThresholdFraction = 0.5 }.Validate());
        Assert.Contains("Threshold or ThresholdFraction", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => new SecureAggregationOptions { ClientCount = 10, VectorLength = 5, BitWidth = 40 }.Validate());
        Assert.Equal("BitWidth", error.ParamName);
        Assert.Equal(8, SecureAggregationOptions.RecommendedNeighbourDegree(10));
        Assert.Equal(14, SecureAggregationOptions.RecommendedNeighbourDegree(100));
        Assert.Equal(6, new SecureAggregationOptions { ClientCount = 10, VectorLength = 1 }.EffectiveThreshold);
    }
}
