using System.Buffers.Binary;
using System.Text;
using NSec.Cryptography;

namespace Federated.SecureAggregation;

/// <summary>
/// X25519 key pairs and what a shared secret becomes (Bonawitz et al. 2017 §3: Diffie–Hellman key
/// agreement composed with a hash). HKDF-SHA256 with salt = label ‖ round id and a per-use info
/// string turns one agreement into (a) the 32-byte pairwise mask seed s_ij or (b) the
/// ChaCha20-Poly1305 key of the share channel. Both sides derive the same value; nothing depends on
/// who is "first".
/// </summary>
internal static class KeyAgreement
{
    public const int PublicKeyBytes = 32;
    public const int PrivateKeyBytes = 32;
    private static readonly byte[] SaltLabel = Encoding.ASCII.GetBytes("federated/secagg/v1/round");
    private static readonly byte[] MaskInfo = Encoding.ASCII.GetBytes("pairwise-mask-seed");
    private static readonly byte[] ShareInfo = Encoding.ASCII.GetBytes("share-encryption-key");

    public static KeyAgreementAlgorithm Algorithm => KeyAgreementAlgorithm.X25519;

    /// <summary>A fresh key pair; <paramref name="exportable"/> for the mask key, whose private half is secret-shared.</summary>
    public static Key CreateKey(bool exportable) => Key.Create(Algorithm, new KeyCreationParameters
    {
        ExportPolicy = exportable ? KeyExportPolicies.AllowPlaintextExport : KeyExportPolicies.None,
    });

    public static byte[] ExportPublicKey(Key key) => key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    public static byte[] ExportPrivateKey(Key key) => key.Export(KeyBlobFormat.RawPrivateKey);

    public static Key ImportPrivateKey(ReadOnlySpan<byte> raw) => Key.Import(Algorithm, raw, KeyBlobFormat.RawPrivateKey);

    /// <summary>Imports a raw public key, or null when it is not 32 bytes or not a valid X25519 point encoding.</summary>
    public static PublicKey? TryImportPublicKey(byte[]? raw)
    {
        if (raw is null || raw.Length != PublicKeyBytes) return null;
        return PublicKey.TryImport(Algorithm, raw, KeyBlobFormat.RawPublicKey, out var key) ? key : null;
    }

    /// <summary>s_ij: the seed both i and j expand to mask with each other in this round.</summary>
    public static void DerivePairwiseSeed(Key mine, PublicKey theirs, long roundId, Span<byte> seed)
    {
        using var secret = Agree(mine, theirs);
        Span<byte> salt = stackalloc byte[SaltLabel.Length + sizeof(long)];
        WriteSalt(roundId, salt);
        KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(secret, salt, MaskInfo, seed[..MaskGenerator.SeedBytes]);
    }

    /// <summary>The AEAD key of the share channel between two clients in this round.</summary>
    public static Key DeriveShareKey(Key mine, PublicKey theirs, long roundId)
    {
        using var secret = Agree(mine, theirs);
        Span<byte> salt = stackalloc byte[SaltLabel.Length + sizeof(long)];
        WriteSalt(roundId, salt);
        return KeyDerivationAlgorithm.HkdfSha256.DeriveKey(secret, salt, ShareInfo, AeadAlgorithm.ChaCha20Poly1305);
    }

    private static SharedSecret Agree(Key mine, PublicKey theirs) =>
        Algorithm.Agree(mine, theirs)
        ?? throw new SecureAggregationException("X25519 agreement produced no shared secret (a low-order public key).");

    private static void WriteSalt(long roundId, Span<byte> salt)
    {
        SaltLabel.CopyTo(salt);
        BinaryPrimitives.WriteInt64LittleEndian(salt[SaltLabel.Length..], roundId);
    }
}
