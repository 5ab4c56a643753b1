using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

public class SecureAggregationTrafficTests
{
    private const int ClassicCnnParameters = 1_199_882;

    /// <summary>
    /// Bytes a client sends and receives over one round, counting each message's fields as a plain
    /// binary encoding would (8-byte round id, 4-byte indices, raw arrays; no transport framing).
    /// The masked input is 4·(m + 1) bytes for m parameters; everything else does not depend on m.
    /// </summary>
    [Fact]
    public void SecAgg_plus_at_100_clients_costs_at_most_1_2_times_a_plain_fp32_upload()
    {
        var options = new SecureAggregationOptions { ClientCount = 100, VectorLength = 8, NeighbourDegree = SecureAggregationOptions.RecommendedNeighbourDegree(100) };
        using var driver = new SecureAggregationDriver(options, seed: 71);
        long sent = 0, received = 0;
        const int probe = 17;
        driver.OnKeys = k => { if (k.ClientIndex == probe) sent += Size(k); return k; };
        driver.OnShares = m => { if (m.Sender == probe) sent += 12 + Sum(m.Shares); return m; };
        driver.OnBundle = b => { if (b.Recipient == probe) received += 12 + Sum(b.Shares); return b; };
        driver.OnMaskedInput = m => { if (m.Sender == probe) sent += 12 + 4L * (ClassicCnnParameters + 1); return m; };
        driver.OnUnmask = r =>
        {
            if (r.Sender == probe)
            {
                sent += 12;
                foreach (var s in r.Shares) sent += 4 + 1 + s.Share.Length;
            }
            return r;
        };
        var result = driver.Run();
        Assert.NotNull(result);
        received += 12 + Size(driver.Server.GraphSeed.Length); // setup: round id, index, graph seed
        received += 12 + 14 * Size(new AdvertisedKeys(0, 0, new byte[32], new byte[32]));
        received += 12 + 4L * 14; // unmask request: 14 neighbour indices in two lists

        long plain = 4L * ClassicCnnParameters;
        double ratio = (double)(sent + received) / plain;
        Assert.True(ratio <= 1.2, $"ratio {ratio:F4} (sent {sent}, received {received}, plain {plain})");
        Assert.True(ratio > 1.0);
    }

    private static long Size(AdvertisedKeys k) => 12 + k.EncryptionPublicKey.Length + k.MaskPublicKey.Length;

    private static long Size(int bytes) => bytes;

    private static long Sum(IReadOnlyList<EncryptedShare> shares)
    {
        long total = 0;
        foreach (var s in shares) total += 16 + s.Ciphertext.Length;
        return total;
    }
}
