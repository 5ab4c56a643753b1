using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Federated.SecureAggregation;

/// <summary>
/// Shamir t-of-m secret sharing (Shamir 1979; used by Bonawitz et al. 2017 §3.1) of a 32-byte secret
/// over GF(2^61 − 1). The secret is cut into five little-endian limbs of 7 bytes (the last holds 4),
/// each below 2^56 &lt; p, and each limb is shared with its own random polynomial of degree t − 1 whose
/// coefficients come from the OS CSPRNG. A share is the five evaluations at the holder's 1-based
/// client index (40 bytes). Reconstruction interpolates at 0 from the first t shares.
/// Shares carry no integrity: a tampered share yields a wrong secret. When a recovered limb falls
/// outside its 7- or 4-byte range (likely, 1 − 2^−5 per limb for a random error) we say so with an
/// exception; otherwise the wrong value comes back silently. In the protocol the AEAD on every share
/// and the public-key check on recovered mask keys supply the integrity.
/// </summary>
internal static class ShamirSecretSharing
{
    public const int SecretBytes = 32;
    public const int Limbs = 5;
    public const int ShareBytes = Limbs * sizeof(ulong);
    private const int LimbBytes = 7;

    /// <summary>Splits <paramref name="secret"/> into one share per evaluation point (distinct, ≥ 1).</summary>
    public static byte[][] Split(ReadOnlySpan<byte> secret, int threshold, ReadOnlySpan<int> points)
    {
        if (secret.Length != SecretBytes) throw new ArgumentException($"The secret must be {SecretBytes} bytes (was {secret.Length}).", nameof(secret));
        if (threshold < 1 || threshold > points.Length)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"The threshold must be in [1, {points.Length}] (the number of shares).");
        CheckPoints(points);

        Span<ulong> limbs = stackalloc ulong[Limbs];
        ToLimbs(secret, limbs);
        // coefficients[l * t + d]: coefficient of x^d of limb l's polynomial; d = 0 is the secret.
        var coefficients = new ulong[Limbs * threshold];
        for (int l = 0; l < Limbs; l++)
        {
            coefficients[l * threshold] = limbs[l];
            for (int d = 1; d < threshold; d++) coefficients[l * threshold + d] = RandomFieldElement();
        }

        var shares = new byte[points.Length][];
        for (int s = 0; s < points.Length; s++)
        {
            var share = new byte[ShareBytes];
            ulong x = (ulong)points[s];
            for (int l = 0; l < Limbs; l++)
            {
                // Horner from the highest coefficient down.
                ulong y = 0;
                for (int d = threshold - 1; d >= 0; d--) y = MersenneField.Add(MersenneField.Multiply(y, x), coefficients[l * threshold + d]);
                BinaryPrimitives.WriteUInt64LittleEndian(share.AsSpan(l * sizeof(ulong)), y);
            }
            shares[s] = share;
        }
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(coefficients.AsSpan()));
        limbs.Clear();
        return shares;
    }

    /// <summary>
    /// Recovers the secret from the first <paramref name="threshold"/> of the given shares. Throws a
    /// <see cref="SecureAggregationException"/> with fewer than t shares, or when the shares cannot come
    /// from one secret (see the type's remarks).
    /// </summary>
    public static void Reconstruct(ReadOnlySpan<int> points, IReadOnlyList<byte[]> shares, int threshold, Span<byte> secret)
    {
        Span<ulong> limbs = stackalloc ulong[Limbs];
        ReconstructLimbs(points, shares, threshold, limbs);
        for (int l = 0; l < Limbs; l++)
        {
            int width = Math.Min(LimbBytes, SecretBytes - l * LimbBytes);
            if (limbs[l] >> (8 * width) != 0)
                throw new SecureAggregationException("The shares do not reconstruct a valid secret: at least one of them was altered or belongs to another secret.");
        }
        if (secret.Length != SecretBytes) throw new ArgumentException($"The secret buffer must be {SecretBytes} bytes.", nameof(secret));
        Span<byte> buffer = stackalloc byte[sizeof(ulong)];
        for (int l = 0; l < Limbs; l++)
        {
            int width = Math.Min(LimbBytes, SecretBytes - l * LimbBytes);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, limbs[l]);
            buffer[..width].CopyTo(secret.Slice(l * LimbBytes, width));
        }
        limbs.Clear();
    }

    /// <summary>Lagrange interpolation at 0 of each limb's polynomial from the first t shares (field elements, unchecked).</summary>
    internal static void ReconstructLimbs(ReadOnlySpan<int> points, IReadOnlyList<byte[]> shares, int threshold, Span<ulong> limbs)
    {
        if (threshold < 1) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be at least 1.");
        if (points.Length != shares.Count) throw new ArgumentException("One evaluation point per share is needed.", nameof(points));
        if (shares.Count < threshold)
            throw new SecureAggregationException($"Reconstruction needs at least {threshold} shares; only {shares.Count} were given.");
        var used = points[..threshold];
        CheckPoints(used);
        limbs.Clear();
        for (int m = 0; m < threshold; m++)
        {
            if (shares[m].Length != ShareBytes) throw new ArgumentException($"A share is {ShareBytes} bytes (share {m} has {shares[m].Length}).", nameof(shares));
            // λ_m = Π_{j≠m} x_j / (x_j − x_m), the Lagrange basis polynomial evaluated at 0.
            ulong numerator = 1, denominator = 1, xm = (ulong)used[m];
            for (int j = 0; j < threshold; j++)
            {
                if (j == m) continue;
                ulong xj = (ulong)used[j];
                numerator = MersenneField.Multiply(numerator, xj);
                denominator = MersenneField.Multiply(denominator, MersenneField.Subtract(xj, xm));
            }
            ulong lambda = MersenneField.Multiply(numerator, MersenneField.Inverse(denominator));
            for (int l = 0; l < Limbs; l++)
            {
                ulong y = BinaryPrimitives.ReadUInt64LittleEndian(shares[m].AsSpan(l * sizeof(ulong)));
                if (y >= MersenneField.Prime) throw new SecureAggregationException($"Share {m} holds a value outside the field.");
                limbs[l] = MersenneField.Add(limbs[l], MersenneField.Multiply(lambda, y));
            }
        }
    }

    private static void ToLimbs(ReadOnlySpan<byte> secret, Span<ulong> limbs)
    {
        Span<byte> buffer = stackalloc byte[sizeof(ulong)];
        for (int l = 0; l < Limbs; l++)
        {
            int width = Math.Min(LimbBytes, SecretBytes - l * LimbBytes);
            buffer.Clear();
            secret.Slice(l * LimbBytes, width).CopyTo(buffer);
            limbs[l] = BinaryPrimitives.ReadUInt64LittleEndian(buffer);
        }
        buffer.Clear();
    }

    /// <summary>Uniform in [0, p): 61 random bits, redrawing the single value p itself.</summary>
    private static ulong RandomFieldElement()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        ulong value;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            value = BinaryPrimitives.ReadUInt64LittleEndian(bytes) & MersenneField.Prime;
        }
        while (value == MersenneField.Prime);
        return value;
    }

    private static void CheckPoints(ReadOnlySpan<int> points)
    {
        for (int i = 0; i < points.Length; i++)
        {
            if (points[i] < 1) throw new ArgumentException($"Evaluation points are 1-based client indices (got {points[i]}).", nameof(points));
            for (int j = 0; j < i; j++)
                if (points[j] == points[i]) throw new ArgumentException($"Evaluation point {points[i]} appears twice.", nameof(points));
        }
    }
}
