namespace Federated.SecureAggregation;

/// <summary>The message-type byte of the secure-aggregation wire format (byte 4 of every message).</summary>
internal enum WireMessageType : byte
{
    Setup = 1,
    AdvertisedKeys = 2,
    NeighbourKeys = 3,
    ShareKeys = 4,
    ShareBundle = 5,
    MaskedInput = 6,
    UnmaskRequest = 7,
    UnmaskResponse = 8,
}

/// <summary>Names and phases of <see cref="WireMessageType"/> values, for error messages.</summary>
internal static class WireMessageTypes
{
    public static string Name(WireMessageType type) => type switch
    {
        WireMessageType.Setup => nameof(SecureAggregationSetup),
        WireMessageType.AdvertisedKeys => nameof(AdvertisedKeys),
        WireMessageType.NeighbourKeys => nameof(NeighbourKeys),
        WireMessageType.ShareKeys => nameof(ShareKeysMessage),
        WireMessageType.ShareBundle => nameof(ShareBundle),
        WireMessageType.MaskedInput => nameof(MaskedInput),
        WireMessageType.UnmaskRequest => nameof(UnmaskRequest),
        WireMessageType.UnmaskResponse => nameof(UnmaskResponse),
        _ => $"unknown type {(byte)type}",
    };

    /// <summary>The phase whose input the message is (the phase a refusal is reported under).</summary>
    public static SecureAggregationPhase Phase(WireMessageType type) => type switch
    {
        WireMessageType.Setup or WireMessageType.AdvertisedKeys => SecureAggregationPhase.AdvertiseKeys,
        WireMessageType.NeighbourKeys or WireMessageType.ShareKeys => SecureAggregationPhase.ShareKeys,
        WireMessageType.ShareBundle or WireMessageType.MaskedInput => SecureAggregationPhase.MaskedInput,
        _ => SecureAggregationPhase.Unmasking,
    };
}
