namespace Federated.SecureAggregation;

/// <summary>
/// Binary wire format of every secure-aggregation message: encode only, no transport. Each
/// <c>Write</c> returns one exactly sized array; each <c>Read</c> decodes one message of that type and
/// throws <see cref="SecureAggregationException"/> (phase = the phase the message is input to) naming
/// the message type and the fault when the bytes are not exactly one well-formed message: wrong
/// magic, type or version, truncated, trailing bytes, a count larger than the bytes left (checked
/// before allocating), a key that is not 32 bytes, an unknown enum value or flag, invalid options.
/// Protocol checks (round ids, addressees, neighbours) stay with the client and server.
/// </summary>
/// <remarks>
/// <para>All integers little-endian; i32/i64 two's complement, u32 counts, f32/f64 IEEE 754.
/// Every message starts with a 6-byte header:</para>
/// <code>
/// magic   4 bytes  "FSA1" (0x46 0x53 0x41 0x31)
/// type    u8       1 Setup, 2 AdvertisedKeys, 3 NeighbourKeys, 4 ShareKeys, 5 ShareBundle,
///                  6 MaskedInput, 7 UnmaskRequest, 8 UnmaskResponse
/// version u8       1
/// </code>
/// <para>Building blocks: <c>key</c> = u8 length (always 32) + 32 bytes; <c>blob</c> = u32 length +
/// bytes; <c>T[count]</c> = u32 count + the entries.</para>
/// <code>
/// Setup          i64 RoundId, i32 ClientIndex, key GraphSeed, options                    (92 bytes)
///   options      i32 ClientCount, i32 VectorLength,
///                u8 flags (bit 0 NeighbourDegree, 1 Threshold, 2 ThresholdFraction, 3 MinimumSurvivors set;
///                          other bits must be 0),
///                i32 NeighbourDegree, i32 Threshold, f64 ThresholdFraction, i32 MinimumSurvivors
///                          (each 0 when its flag is clear),
///                f32 ClipRange, i32 BitWidth, f32 MaxExampleWeight                        (41 bytes)
/// AdvertisedKeys i64 RoundId, i32 ClientIndex, key EncryptionPublicKey, key MaskPublicKey (84 bytes)
/// NeighbourKeys  i64 RoundId, i32 Recipient, keys[count]                     (22 + 78·count bytes)
///   keys         i64 RoundId, i32 ClientIndex, key EncryptionPublicKey, key MaskPublicKey (78 bytes)
/// ShareKeys      i64 RoundId, i32 Sender, share[count]
/// ShareBundle    i64 RoundId, i32 Recipient, share[count]
///   share        i64 RoundId, i32 Sender, i32 Recipient, blob Ciphertext    (20 + length bytes)
/// MaskedInput    i64 RoundId, i32 Sender, u32 Values[count] (raw)            (22 + 4·count bytes)
/// UnmaskRequest  i64 RoundId, i32 Recipient, i32 SurvivingNeighbours[count], i32 DroppedNeighbours[count]
/// UnmaskResponse i64 RoundId, i32 Sender, revealed[count]
///   revealed     i32 Owner, u8 Kind (0 SelfMaskSeed, 1 MaskPrivateKey), blob Share (9 + length bytes)
/// </code>
/// <para>A masked input of an m-parameter update (m + 1 values) is 4·(m + 1) + 22 bytes. Options are
/// validated after reading (<see cref="SecureAggregationOptions.Validate"/>), as is the setup's client
/// index (1..ClientCount).</para>
/// </remarks>
public static partial class SecureAggregationWire
{
    internal const byte FormatVersion = 1;
    internal const int HeaderBytes = 6;
    internal const int KeyBytes = 32;
    internal const int KeyFieldBytes = 1 + KeyBytes;
    internal const int OptionsBytes = 41;
    internal const int AdvertisedKeysBodyBytes = sizeof(long) + sizeof(int) + 2 * KeyFieldBytes;
    internal const int AddressBytes = sizeof(long) + sizeof(int);
    internal const int EncryptedShareFixedBytes = sizeof(long) + 2 * sizeof(int) + sizeof(uint);
    internal const int RevealedShareFixedBytes = sizeof(int) + 1 + sizeof(uint);

    /// <summary>Bytes of a masked input besides its 4·(m + 1) bytes of values: header, round, sender, count.</summary>
    internal const int MaskedInputOverheadBytes = HeaderBytes + AddressBytes + sizeof(uint);

    private const byte HasNeighbourDegree = 1, HasThreshold = 2, HasThresholdFraction = 4, HasMinimumSurvivors = 8;

    internal static ReadOnlySpan<byte> Magic => "FSA1"u8;

    public static byte[] Write(SecureAggregationSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        CheckKey(setup.GraphSeed, nameof(setup.GraphSeed));
        ArgumentNullException.ThrowIfNull(setup.Options, nameof(setup.Options));
        var writer = new WireWriter(WireMessageType.Setup, HeaderBytes + AddressBytes + KeyFieldBytes + OptionsBytes);
        writer.WriteInt64(setup.RoundId);
        writer.WriteInt32(setup.ClientIndex);
        writer.WriteKey(setup.GraphSeed);
        WriteOptions(ref writer, setup.Options);
        return writer.Finish();
    }

    public static byte[] Write(AdvertisedKeys message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var writer = new WireWriter(WireMessageType.AdvertisedKeys, HeaderBytes + AdvertisedKeysBodyBytes);
        WriteKeys(ref writer, message);
        return writer.Finish();
    }

    public static byte[] Write(NeighbourKeys message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(message.Neighbours, nameof(message.Neighbours));
        var writer = new WireWriter(WireMessageType.NeighbourKeys, HeaderBytes + AddressBytes + sizeof(uint) + (long)message.Neighbours.Count * AdvertisedKeysBodyBytes);
        writer.WriteInt64(message.RoundId);
        writer.WriteInt32(message.Recipient);
        writer.WriteUInt32((uint)message.Neighbours.Count);
        foreach (var keys in message.Neighbours)
        {
            ArgumentNullException.ThrowIfNull(keys, nameof(message.Neighbours));
            WriteKeys(ref writer, keys);
        }
        return writer.Finish();
    }

    public static byte[] Write(ShareKeysMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WriteShares(WireMessageType.ShareKeys, message.RoundId, message.Sender, message.Shares);
    }

    public static byte[] Write(ShareBundle message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WriteShares(WireMessageType.ShareBundle, message.RoundId, message.Recipient, message.Shares);
    }

    public static byte[] Write(MaskedInput message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(message.Values, nameof(message.Values));
        var writer = new WireWriter(WireMessageType.MaskedInput, MaskedInputOverheadBytes + (long)message.Values.Length * sizeof(uint));
        writer.WriteInt64(message.RoundId);
        writer.WriteInt32(message.Sender);
        writer.WriteUInt32Array(message.Values);
        return writer.Finish();
    }

    public static byte[] Write(UnmaskRequest message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(message.SurvivingNeighbours, nameof(message.SurvivingNeighbours));
        ArgumentNullException.ThrowIfNull(message.DroppedNeighbours, nameof(message.DroppedNeighbours));
        long size = HeaderBytes + AddressBytes + 2 * sizeof(uint) + sizeof(int) * ((long)message.SurvivingNeighbours.Length + message.DroppedNeighbours.Length);
        var writer = new WireWriter(WireMessageType.UnmaskRequest, size);
        writer.WriteInt64(message.RoundId);
        writer.WriteInt32(message.Recipient);
        writer.WriteInt32Array(message.SurvivingNeighbours);
        writer.WriteInt32Array(message.DroppedNeighbours);
        return writer.Finish();
    }

    public static byte[] Write(UnmaskResponse message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(message.Shares, nameof(message.Shares));
        long size = HeaderBytes + AddressBytes + sizeof(uint);
        foreach (var share in message.Shares)
        {
            ArgumentNullException.ThrowIfNull(share, nameof(message.Shares));
            ArgumentNullException.ThrowIfNull(share.Share, nameof(message.Shares));
            if (!Enum.IsDefined(share.Kind))
                throw new ArgumentException($"Revealed share of client {share.Owner} has unknown kind {(int)share.Kind}.", nameof(message));
            size += RevealedShareFixedBytes + share.Share.Length;
        }
        var writer = new WireWriter(WireMessageType.UnmaskResponse, size);
        writer.WriteInt64(message.RoundId);
        writer.WriteInt32(message.Sender);
        writer.WriteUInt32((uint)message.Shares.Count);
        foreach (var share in message.Shares)
        {
            writer.WriteInt32(share.Owner);
            writer.WriteByte((byte)share.Kind);
            writer.WriteBlob(share.Share);
        }
        return writer.Finish();
    }

    private static byte[] WriteShares(WireMessageType type, long roundId, int party, IReadOnlyList<EncryptedShare> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        long size = HeaderBytes + AddressBytes + sizeof(uint);
        foreach (var share in shares)
        {
            ArgumentNullException.ThrowIfNull(share, nameof(shares));
            ArgumentNullException.ThrowIfNull(share.Ciphertext, nameof(shares));
            size += EncryptedShareFixedBytes + share.Ciphertext.Length;
        }
        var writer = new WireWriter(type, size);
        writer.WriteInt64(roundId);
        writer.WriteInt32(party);
        writer.WriteUInt32((uint)shares.Count);
        foreach (var share in shares)
        {
            writer.WriteInt64(share.RoundId);
            writer.WriteInt32(share.Sender);
            writer.WriteInt32(share.Recipient);
            writer.WriteBlob(share.Ciphertext);
        }
        return writer.Finish();
    }

    private static void WriteKeys(ref WireWriter writer, AdvertisedKeys keys)
    {
        CheckKey(keys.EncryptionPublicKey, nameof(keys.EncryptionPublicKey));
        CheckKey(keys.MaskPublicKey, nameof(keys.MaskPublicKey));
        writer.WriteInt64(keys.RoundId);
        writer.WriteInt32(keys.ClientIndex);
        writer.WriteKey(keys.EncryptionPublicKey);
        writer.WriteKey(keys.MaskPublicKey);
    }

    private static void WriteOptions(ref WireWriter writer, SecureAggregationOptions options)
    {
        byte flags = 0;
        if (options.NeighbourDegree is not null) flags |= HasNeighbourDegree;
        if (options.Threshold is not null) flags |= HasThreshold;
        if (options.ThresholdFraction is not null) flags |= HasThresholdFraction;
        if (options.MinimumSurvivors is not null) flags |= HasMinimumSurvivors;
        writer.WriteInt32(options.ClientCount);
        writer.WriteInt32(options.VectorLength);
        writer.WriteByte(flags);
        writer.WriteInt32(options.NeighbourDegree ?? 0);
        writer.WriteInt32(options.Threshold ?? 0);
        writer.WriteDouble(options.ThresholdFraction ?? 0);
        writer.WriteInt32(options.MinimumSurvivors ?? 0);
        writer.WriteSingle(options.ClipRange);
        writer.WriteInt32(options.BitWidth);
        writer.WriteSingle(options.MaxExampleWeight);
    }

    private static void CheckKey(byte[]? key, string name)
    {
        if (key is null || key.Length != KeyBytes)
            throw new ArgumentException($"{name} must be {KeyBytes} bytes (was {key?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}).", name);
    }
}
