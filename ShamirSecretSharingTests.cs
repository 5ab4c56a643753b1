using System.Security.Cryptography;
using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

public class ShamirSecretSharingTests
{
    private static readonly int[] Points = [3, 5, 8, 9, 12, 40, 77];

    private static byte[] Secret()
    {
        var secret = new byte[32];
        new Random(42).NextBytes(secret);
        secret[31] = 0xFF; // the 4-byte top limb at its extreme
        return secret;
    }

    [Fact]
    public void Any_t_of_n_shares_reconstruct_the_secret()
    {
        const int t = 4;
        var secret = Secret();
        var shares = ShamirSecretSharing.Split(secret, t, Points);
        var random = new Random(7);
        var recovered = new byte[32];
        for (int trial = 0; trial < 20; trial++)
        {
            var order = new int[Points.Length];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            random.Shuffle(order);
            int take = t + trial % (Points.Length - t + 1);
            var points = new int[take];
            var chosen = new List<byte[]>();
            for (int i = 0; i < take; i++)
            {
                points[i] = Points[order[i]];
                chosen.Add(shares[order[i]]);
            }
            ShamirSecretSharing.Reconstruct(points, chosen, t, recovered);
            Assert.Equal(secret, recovered);
        }
    }

    [Fact]
    public void Fewer_than_t_shares_throw()
    {
        var shares = ShamirSecretSharing.Split(Secret(), 4, Points);
        var error = Assert.Throws<SecureAggregationException>(() =>
            ShamirSecretSharing.Reconstruct(Points.AsSpan(0, 3), [shares[0], shares[1], shares[2]], 4, new byte[32]));
        Assert.Contains("at least 4 shares", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void T_minus_one_shares_say_nothing_about_the_secret()
    {
        // Two different secrets, t = 3: two shares of each have the same (uniform) distribution; here we
        // check the weaker fact that t − 1 shares of a secret differ across splittings (fresh randomness).
        var a = ShamirSecretSharing.Split(Secret(), 3, Points);
        var b = ShamirSecretSharing.Split(Secret(), 3, Points);
        Assert.NotEqual(a[0], b[0]);
    }

    [Fact]
    public void Tampered_share_gives_a_wrong_value_or_an_error_never_the_secret()
    {
        // Shamir has no integrity: an altered share moves every limb by λ·δ. Limbs outside their byte
        // range are caught; otherwise the wrong secret comes back. The protocol's AEAD and the
        // public-key check on rebuilt mask keys are what catch tampering there.
        const int t = 3;
        var secret = Secret();
        var shares = ShamirSecretSharing.Split(secret, t, Points);
        var tampered = (byte[])shares[1].Clone();
        tampered[0] ^= 0x01;
        var chosen = new List<byte[]> { shares[0], tampered, shares[2] };

        var limbs = new ulong[ShamirSecretSharing.Limbs];
        var honest = new ulong[ShamirSecretSharing.Limbs];
        ShamirSecretSharing.ReconstructLimbs(Points, chosen, t, limbs);
        ShamirSecretSharing.ReconstructLimbs(Points, [shares[0], shares[1], shares[2]], t, honest);
        Assert.NotEqual(honest[0], limbs[0]);
        Assert.Equal(honest[1], limbs[1]);

        var recovered = new byte[32];
        try
        {
            ShamirSecretSharing.Reconstruct(Points, chosen, t, recovered);
            Assert.NotEqual(secret, recovered);
        }
        catch (SecureAggregationException e)
        {
            Assert.Contains("altered", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Field_arithmetic_inverts()
    {
        var random = new Random(3);
        for (int i = 0; i < 100; i++)
        {
            ulong a = (ulong)random.NextInt64(1, (long)MersenneField.Prime);
            Assert.Equal(1UL, MersenneField.Multiply(a, MersenneField.Inverse(a)));
        }
        Assert.Equal(0UL, MersenneField.Add(MersenneField.Prime - 1, 1));
    }

    [Fact]
    public void Repeated_or_zero_points_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Split(RandomNumberGenerator.GetBytes(32), 2, [1, 1, 2]));
        Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Split(RandomNumberGenerator.GetBytes(32), 2, [0, 1, 2]));
    }
}
