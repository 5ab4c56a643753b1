using System.Globalization;
using Federated.SecureAggregation;
using Xunit.Abstractions;

namespace Federated.Tests.SecureAggregation;

public class SecureAggregationTrafficTests(ITestOutputHelper output)
{
    private const int ClassicCnnParameters = 1_199_882;

    /// <summary>
    /// Wire-format bytes per client over one full round without dropouts (setup, neighbour keys, share
    /// bundle and unmask request received; keys, shares, masked input and unmask response sent), from a
    /// real run on a short vector with the masked input's size taken for the CNN's m parameters
    /// (4·(m + 1) + 22 bytes; nothing else depends on m). Compared with a plain FP32 upload of 4·m bytes.
    /// Prints the figures (run with --logger "console;verbosity=detailed" to see them).
    /// </summary>
    [Theory]
    [InlineData(10, false)]
    [InlineData(10, true)]
    [InlineData(50, false)]
    [InlineData(50, true)]
    [InlineData(100, false)]
    [InlineData(100, true)]
    public void Wire_bytes_per_client_stay_within_a_percent_of_a_plain_fp32_upload(int n, bool sparse)
    {
        const int shortLength = 8;
        var options = new SecureAggregationOptions { ClientCount = n, VectorLength = shortLength, NeighbourDegree = sparse ? SecureAggregationOptions.RecommendedNeighbourDegree(n) : null };
        long maskedBytes = SecureAggregationWire.MaskedInputOverheadBytes + 4L * (ClassicCnnParameters + 1);
        var sent = new long[n + 1];
        var received = new long[n + 1];
        using var driver = new SecureAggregationDriver(options, seed: 90 + n, onSetup: s => { received[s.ClientIndex] += SecureAggregationWire.Write(s).Length; return s; });
        driver.OnKeys = m => { sent[m.ClientIndex] += SecureAggregationWire.Write(m).Length; return m; };
        driver.OnNeighbourKeys = m => { received[m.Recipient] += SecureAggregationWire.Write(m).Length; return m; };
        driver.OnShares = m => { sent[m.Sender] += SecureAggregationWire.Write(m).Length; return m; };
        driver.OnBundle = m => { received[m.Recipient] += SecureAggregationWire.Write(m).Length; return m; };
        driver.OnMaskedInput = m =>
        {
            Assert.Equal(SecureAggregationWire.MaskedInputOverheadBytes + 4L * (shortLength + 1), SecureAggregationWire.Write(m).Length);
            sent[m.Sender] += maskedBytes;
            return m;
        };
        driver.OnUnmaskRequest = m => { received[m.Recipient] += SecureAggregationWire.Write(m).Length; return m; };
        driver.OnUnmask = m => { sent[m.Sender] += SecureAggregationWire.Write(m).Length; return m; };

        Assert.NotNull(driver.Run());

        long plain = 4L * ClassicCnnParameters;
        double meanSent = sent.Skip(1).Average(), meanReceived = received.Skip(1).Average();
        long worst = Enumerable.Range(1, n).Max(c => sent[c] + received[c]);
        double ratio = (meanSent + meanReceived) / plain;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"n={n} {(sparse ? "SecAgg+" : "classic")} k={options.EffectiveNeighbourDegree}: per client sent {meanSent:F0} B, received {meanReceived:F0} B, " +
            $"total {meanSent + meanReceived:F0} B (max {worst} B), protocol overhead {meanSent + meanReceived - plain:F0} B; plain FP32 {plain} B; ratio {ratio:F5}"));
        Assert.True(ratio > 1.0 && ratio < 1.01, $"ratio {ratio:F5}");
    }

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
