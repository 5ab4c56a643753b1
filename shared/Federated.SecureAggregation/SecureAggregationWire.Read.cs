namespace Federated.SecureAggregation;

public static partial class SecureAggregationWire
{
    public static SecureAggregationSetup ReadSetup(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes, WireMessageType.Setup);
        long roundId = reader.ReadInt64(nameof(SecureAggregationSetup.RoundId));
        int clientIndex = reader.ReadInt32(nameof(SecureAggregationSetup.ClientIndex));
        var graphSeed = reader.ReadKey(nameof(SecureAggregationSetup.GraphSeed));
        var options = ReadOptions(ref reader);
        reader.End();
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            reader.Invalid($"invalid options: {e.Message}", e);
        }
        if (clientIndex < 1 || clientIndex > options.ClientCount)
            reader.Invalid($"ClientIndex {clientIndex} is outside 1..ClientCount = {options.ClientCount}");
        return new SecureAggregationSetup(roundId, clientIndex, graphSeed, options);
    }

    public static AdvertisedKeys ReadAdvertisedKeys(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes, WireMessageType.AdvertisedKeys);
        var keys = ReadKeys(ref reader);
        reader.End();
        return keys;
    }

    public static NeighbourKeys ReadNeighbourKeys(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes, WireMessageType.NeighbourKeys);
        long roundId = reader.ReadInt64(nameof(NeighbourKeys.RoundId));
        int recipient = reader.ReadInt32(nameof(NeighbourKeys.Recipient));
        var neighbours = new AdvertisedKeys[reader.ReadCount(nameof(NeighbourKeys.Neighbours), AdvertisedKeysBodyBytes)];
        for (int i = 0; i < neighbours.Length; i++) neighbours[i] = ReadKeys(ref reader);
        reader.End();
        return new NeighbourKeys(roundId, recipient, neighbours);
    }

    public static ShareKeysMessage ReadShareKeys(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes, WireMessageType.ShareKeys);
        long roundId = reader.ReadInt64(nameof(ShareKeysMessage.RoundId));
        int sender = reader.ReadInt32(nameof(ShareKeysMessage.Sender));
        var shares = ReadShares(ref reader, nameof(ShareKeysMessage.Shares));
        reader.End();
        return new ShareKeysMessage(roundId, sender, shares);
    }

    public static ShareBundle ReadShareBundle(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes, WireMessageType.ShareBundle);
        long roundId = reader.ReadInt64(nameof(ShareBundle.RoundId));
        int recipient = reader.ReadInt32(nameof(ShareBundle.Recipient));
        var shares = ReadShares(ref reader, nameof(ShareBundle.Shares));
        reader.End();
        return new ShareBundle(roundId, recipient, shares);
    }

    public static MaskedInput ReadMaskedInput(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes, WireMessageType.MaskedInput);
        long roundId = reader.ReadInt64(nameof(MaskedInput.RoundId));
        int sender = reader.ReadInt32(nameof(MaskedInput.Sender));
        var values = reader.ReadUInt32Array(nameof(MaskedInput.Values));
        reader.End();
        return new MaskedInput(roundId, sender, values);
    }

    public static UnmaskRequest ReadUnmaskRequest(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes, WireMessageType.UnmaskRequest);
        long roundId = reader.ReadInt64(nameof(UnmaskRequest.RoundId));
        int recipient = reader.ReadInt32(nameof(UnmaskRequest.Recipient));
        var surviving = reader.ReadInt32Array(nameof(UnmaskRequest.SurvivingNeighbours));
        var dropped = reader.ReadInt32Array(nameof(UnmaskRequest.DroppedNeighbours));
        reader.End();
        return new UnmaskRequest(roundId, recipient, surviving, dropped);
    }

    public static UnmaskResponse ReadUnmaskResponse(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes, WireMessageType.UnmaskResponse);
        long roundId = reader.ReadInt64(nameof(UnmaskResponse.RoundId));
        int sender = reader.ReadInt32(nameof(UnmaskResponse.Sender));
        var shares = new RevealedShare[reader.ReadCount(nameof(UnmaskResponse.Shares), RevealedShareFixedBytes)];
        for (int i = 0; i < shares.Length; i++)
        {
            int owner = reader.ReadInt32(nameof(RevealedShare.Owner));
            byte kind = reader.ReadByte(nameof(RevealedShare.Kind));
            if (!Enum.IsDefined((RevealedShareKind)kind))
                reader.Invalid($"share {i} (of client {owner}) has unknown {nameof(RevealedShareKind)} {kind}");
            var share = reader.ReadBlob(nameof(RevealedShare.Share));
            shares[i] = new RevealedShare(owner, (RevealedShareKind)kind, share);
        }
        reader.End();
        return new UnmaskResponse(roundId, sender, shares);
    }

    private static AdvertisedKeys ReadKeys(ref WireReader reader)
    {
        long roundId = reader.ReadInt64(nameof(AdvertisedKeys.RoundId));
        int clientIndex = reader.ReadInt32(nameof(AdvertisedKeys.ClientIndex));
        var encryption = reader.ReadKey(nameof(AdvertisedKeys.EncryptionPublicKey));
        var mask = reader.ReadKey(nameof(AdvertisedKeys.MaskPublicKey));
        return new AdvertisedKeys(roundId, clientIndex, encryption, mask);
    }

    private static EncryptedShare[] ReadShares(ref WireReader reader, string field)
    {
        var shares = new EncryptedShare[reader.ReadCount(field, EncryptedShareFixedBytes)];
        for (int i = 0; i < shares.Length; i++)
        {
            long roundId = reader.ReadInt64(nameof(EncryptedShare.RoundId));
            int sender = reader.ReadInt32(nameof(EncryptedShare.Sender));
            int recipient = reader.ReadInt32(nameof(EncryptedShare.Recipient));
            var ciphertext = reader.ReadBlob(nameof(EncryptedShare.Ciphertext));
            shares[i] = new EncryptedShare(roundId, sender, recipient, ciphertext);
        }
        return shares;
    }

    private static SecureAggregationOptions ReadOptions(ref WireReader reader)
    {
        int clientCount = reader.ReadInt32(nameof(SecureAggregationOptions.ClientCount));
        int vectorLength = reader.ReadInt32(nameof(SecureAggregationOptions.VectorLength));
        byte flags = reader.ReadByte("the options' flags");
        const byte known = HasNeighbourDegree | HasThreshold | HasThresholdFraction | HasMinimumSurvivors;
        if ((flags & ~known) != 0) reader.Invalid($"unknown option flags 0x{flags:X2} (known: 0x{known:X2})");
        int neighbourDegree = reader.ReadInt32(nameof(SecureAggregationOptions.NeighbourDegree));
        int threshold = reader.ReadInt32(nameof(SecureAggregationOptions.Threshold));
        double thresholdFraction = reader.ReadDouble(nameof(SecureAggregationOptions.ThresholdFraction));
        int minimumSurvivors = reader.ReadInt32(nameof(SecureAggregationOptions.MinimumSurvivors));
        float clipRange = reader.ReadSingle(nameof(SecureAggregationOptions.ClipRange));
        int bitWidth = reader.ReadInt32(nameof(SecureAggregationOptions.BitWidth));
        float maxExampleWeight = reader.ReadSingle(nameof(SecureAggregationOptions.MaxExampleWeight));
        return new SecureAggregationOptions
        {
            ClientCount = clientCount,
            VectorLength = vectorLength,
            NeighbourDegree = Optional(ref reader, flags, HasNeighbourDegree, neighbourDegree, nameof(SecureAggregationOptions.NeighbourDegree)),
            Threshold = Optional(ref reader, flags, HasThreshold, threshold, nameof(SecureAggregationOptions.Threshold)),
            ThresholdFraction = Optional(ref reader, flags, HasThresholdFraction, thresholdFraction, nameof(SecureAggregationOptions.ThresholdFraction)),
            MinimumSurvivors = Optional(ref reader, flags, HasMinimumSurvivors, minimumSurvivors, nameof(SecureAggregationOptions.MinimumSurvivors)),
            ClipRange = clipRange,
            BitWidth = bitWidth,
            MaxExampleWeight = maxExampleWeight,
        };
    }

    /// <summary>The value when its flag is set; null when clear, where the value must be 0 (one encoding per options).</summary>
    private static T? Optional<T>(ref WireReader reader, byte flags, byte flag, T value, string name) where T : struct, System.Numerics.INumberBase<T>
    {
        if ((flags & flag) != 0) return value;
        if (!T.IsZero(value) || T.IsNegative(value))
            reader.Invalid($"{name} is unset but its field holds {value} (must be 0)");
        return null;
    }
}
