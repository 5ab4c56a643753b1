namespace Federated.SecureAggregation;

/// <summary>
/// One AEAD ciphertext from <see cref="Sender"/> for <see cref="Recipient"/>, holding the
/// recipient's Shamir shares of the sender's self-mask seed b and mask private key s^SK. The
/// coordinator only routes it; the associated data binds round, sender and recipient, so the
/// recipient rejects it when any of them is altered.
/// </summary>
public sealed record EncryptedShare(long RoundId, int Sender, int Recipient, byte[] Ciphertext);
