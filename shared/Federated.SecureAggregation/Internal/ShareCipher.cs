using System.Buffers.Binary;
using System.Text;
using NSec.Cryptography;

namespace Federated.SecureAggregation;

/// <summary>
/// Authenticated encryption of one share message with ChaCha20-Poly1305 (the AE scheme of Bonawitz
/// et al. 2017 §3). Associated data = label ‖ round id ‖ sender ‖ recipient, so a ciphertext replayed
/// from another round or redirected to another recipient fails its tag. Both directions of a pair
/// share one key, so the 96-bit nonce is sender ‖ recipient ‖ 0: distinct per direction, and each
/// direction encrypts exactly one message per key (keys are fresh each round).
/// Plaintext: sender (4) ‖ recipient (4) ‖ share of b (40) ‖ share of s^SK (40).
/// </summary>
internal static class ShareCipher
{
    public const int PlaintextBytes = 8 + 2 * ShamirSecretSharing.ShareBytes;
    public const int CiphertextBytes = PlaintextBytes + 16;
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("federated/secagg/v1/share");
    private static AeadAlgorithm Aead => AeadAlgorithm.ChaCha20Poly1305;

    public static byte[] Encrypt(Key key, long roundId, int sender, int recipient, ReadOnlySpan<byte> selfMaskShare, ReadOnlySpan<byte> maskKeyShare)
    {
        Span<byte> plaintext = stackalloc byte[PlaintextBytes];
        BinaryPrimitives.WriteInt32LittleEndian(plaintext, sender);
        BinaryPrimitives.WriteInt32LittleEndian(plaintext[4..], recipient);
        selfMaskShare.CopyTo(plaintext[8..]);
        maskKeyShare.CopyTo(plaintext[(8 + ShamirSecretSharing.ShareBytes)..]);
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> associated = stackalloc byte[Label.Length + 16];
        Frame(roundId, sender, recipient, nonce, associated);
        var ciphertext = Aead.Encrypt(key, nonce, associated, plaintext);
        plaintext.Clear();
        return ciphertext;
    }

    /// <summary>Decrypts and parses; null with a reason when the tag, the length or the embedded indices are wrong.</summary>
    public static (byte[] SelfMaskShare, byte[] MaskKeyShare)? TryDecrypt(
        Key key, long roundId, int sender, int recipient, byte[] ciphertext, out string? reason)
    {
        reason = null;
        if (ciphertext.Length != CiphertextBytes)
        {
            reason = $"share ciphertext is {ciphertext.Length} bytes, expected {CiphertextBytes}";
            return null;
        }
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> associated = stackalloc byte[Label.Length + 16];
        Frame(roundId, sender, recipient, nonce, associated);
        Span<byte> plaintext = stackalloc byte[PlaintextBytes];
        if (!Aead.Decrypt(key, nonce, associated, ciphertext, plaintext))
        {
            reason = "share ciphertext failed authentication (altered, or for another round, sender or recipient)";
            return null;
        }
        if (BinaryPrimitives.ReadInt32LittleEndian(plaintext) != sender || BinaryPrimitives.ReadInt32LittleEndian(plaintext[4..]) != recipient)
        {
            reason = "share plaintext names another sender or recipient";
            return null;
        }
        var selfMask = plaintext.Slice(8, ShamirSecretSharing.ShareBytes).ToArray();
        var maskKey = plaintext.Slice(8 + ShamirSecretSharing.ShareBytes, ShamirSecretSharing.ShareBytes).ToArray();
        plaintext.Clear();
        return (selfMask, maskKey);
    }

    private static void Frame(long roundId, int sender, int recipient, Span<byte> nonce, Span<byte> associated)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(nonce, sender);
        BinaryPrimitives.WriteInt32LittleEndian(nonce[4..], recipient);
        Label.CopyTo(associated);
        var tail = associated[Label.Length..];
        BinaryPrimitives.WriteInt64LittleEndian(tail, roundId);
        BinaryPrimitives.WriteInt32LittleEndian(tail[8..], sender);
        BinaryPrimitives.WriteInt32LittleEndian(tail[12..], recipient);
    }
}
