namespace Federated.SecureAggregation;

/// <summary>
/// Phase 0, client → coordinator (and relayed to the client's neighbours): the two raw 32-byte
/// X25519 public keys of one client for one round. <see cref="EncryptionPublicKey"/> (c_i^PK in
/// Bonawitz et al.) protects the share ciphertexts; <see cref="MaskPublicKey"/> (s_i^PK) yields the
/// pairwise mask seeds. Two keys so that revealing s_i^SK for a dropped client never exposes the
/// share channel.
/// </summary>
public sealed record AdvertisedKeys(long RoundId, int ClientIndex, byte[] EncryptionPublicKey, byte[] MaskPublicKey);
