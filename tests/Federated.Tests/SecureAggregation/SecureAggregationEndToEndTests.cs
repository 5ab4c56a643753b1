using Federated.SecureAggregation;

namespace Federated.Tests.SecureAggregation;

public class SecureAggregationEndToEndTests
{
    public static TheoryData<int, bool, double, int> Dropouts()
    {
        var data = new TheoryData<int, bool, double, int>();
        foreach (int n in new[] { 10, 50 })
        {
            foreach (bool sparse in new[] { false, true })
            {
                data.Add(n, sparse, 0.0, 0);
                foreach (double fraction in new[] { 0.1, 0.3 })
                    for (int phase = 0; phase < 4; phase++) data.Add(n, sparse, fraction, phase);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Dropouts))]
    public void Dropouts_at_one_phase_sum_equals_plaintext_sum_of_included_clients(int n, bool sparse, double fraction, int phase)
    {
        // SecAgg+ sizes k for the dropout rate (Bell et al.); k = 2⌈log2 n⌉ alone is tested below.
        var options = Options(n, sparse, fraction);
        using var driver = new SecureAggregationDriver(options, seed: 1000 + n + phase);
        var result = RunDroppingAt(driver, phase, fraction);

        Assert.True(result is not null, driver.Server.AbortReason);
        AssertSumMatches(driver, result);
        int expectedDropped = (int)Math.Round(fraction * n, MidpointRounding.AwayFromZero);
        if (phase <= 2) Assert.Equal(n - expectedDropped, result.IncludedClients.Length);
        else Assert.Equal(n, result.IncludedClients.Length);
        Assert.Empty(driver.ClientRefusals);
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(50, true)]
    public void Ten_percent_dropping_at_every_phase_still_sums_exactly(int n, bool sparse)
    {
        // Four rounds of 10 % compound to about 34 % gone by unmasking; SecAgg+ sizes k for that.
        var options = Options(n, sparse, 0.35);
        using var driver = new SecureAggregationDriver(options, seed: 77 + n);
        Assert.True(driver.AdvertiseKeys(SecureAggregationDriver.PickDropouts(All(n), 0.1, 1)), driver.Server.AbortReason);
        Assert.True(driver.ShareKeys(SecureAggregationDriver.PickDropouts(driver.Server.ActiveClients, 0.1, 2)), driver.Server.AbortReason);
        Assert.True(driver.MaskInputs(SecureAggregationDriver.PickDropouts(driver.Server.ActiveClients, 0.1, 3)), driver.Server.AbortReason);
        var result = driver.Unmask(SecureAggregationDriver.PickDropouts(driver.Server.ActiveClients, 0.1, 4));

        Assert.True(result is not null, driver.Server.AbortReason);
        AssertSumMatches(driver, result);
        Assert.True(result.IncludedClients.Length < n);
    }

    [Fact]
    public void Unmask_responses_stay_usable_after_their_clients_are_disposed()
    {
        using var driver = new SecureAggregationDriver(Options(10, sparse: false), seed: 8);
        // Each client is disposed as soon as its response is out, before the coordinator uses it.
        driver.OnUnmask = r =>
        {
            driver.Clients[r.Sender].Dispose();
            return r;
        };
        var result = driver.Run();

        Assert.True(result is not null, driver.Server.AbortReason);
        AssertSumMatches(driver, result);
    }

    [Fact]
    public void Weighted_fedavg_returns_the_weighted_mean()
    {
        var options = new SecureAggregationOptions { ClientCount = 10, VectorLength = 33, MaxExampleWeight = 600f, NeighbourDegree = 6 };
        using var driver = new SecureAggregationDriver(options, seed: 5);
        for (int c = 1; c <= 10; c++) driver.Weights[c] = 50 * c + 7;
        var result = driver.Run(null, null, new HashSet<int> { 4 });

        Assert.NotNull(result);
        var included = result.IncludedClients;
        double totalWeight = 0;
        foreach (int c in included) totalWeight += driver.Weights[c];
        Assert.Equal(totalWeight, result.TotalWeight, options.WeightErrorBound);
        var expected = driver.ExpectedWeightedSum(included);
        var mean = result.WeightedMean();
        double tolerance = options.QuantizationErrorBound / totalWeight + 1e-6;
        for (int e = 0; e < mean.Length; e++) Assert.Equal(expected[e] / totalWeight, mean[e], tolerance);
        Assert.DoesNotContain(4, included);
    }

    [Fact]
    public void Too_many_dropouts_before_masking_abort_with_reason()
    {
        var options = Options(10, sparse: false); // t = 6, minimum survivors 6
        using var driver = new SecureAggregationDriver(options, seed: 9);
        Assert.True(driver.AdvertiseKeys());
        bool goesOn = driver.ShareKeys(new HashSet<int> { 1, 2, 3, 4, 5 });

        Assert.False(goesOn);
        Assert.Equal(SecureAggregationPhase.Aborted, driver.Server.Phase);
        Assert.Contains("ShareKeys", driver.Server.AbortReason, StringComparison.Ordinal);
        Assert.Null(driver.Server.Finish());
    }

    [Fact]
    public void Too_few_unmask_answers_abort_without_a_sum()
    {
        var options = Options(10, sparse: false);
        using var driver = new SecureAggregationDriver(options, seed: 10);
        var result = driver.Run(null, null, null, new HashSet<int> { 1, 2, 3, 4, 5 });

        Assert.Null(result);
        Assert.Equal(SecureAggregationPhase.Aborted, driver.Server.Phase);
        Assert.Contains("answered the unmask request", driver.Server.AbortReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_key_shares_of_another_key_abort_the_round_without_a_sum()
    {
        // Client 3 drops after sharing keys; every survivor reveals, for it, a share of some other valid
        // key: Shamir rebuilds that key, and its public half gives it away.
        var options = Options(10, sparse: false);
        using var driver = new SecureAggregationDriver(options, seed: 12);
        int[] points = [.. Enumerable.Range(1, 10)];
        var forged = ShamirSecretSharing.Split(System.Security.Cryptography.RandomNumberGenerator.GetBytes(ShamirSecretSharing.SecretBytes), options.EffectiveThreshold, points);
        driver.OnUnmask = response => response with
        {
            Shares = [.. response.Shares.Select(s => s.Owner == 3 && s.Kind == RevealedShareKind.MaskPrivateKey ? s with { Share = forged[response.Sender - 1] } : s)],
        };
        var result = driver.Run(null, null, new HashSet<int> { 3 });

        Assert.Null(result);
        Assert.Equal(SecureAggregationPhase.Aborted, driver.Server.Phase);
        Assert.Contains("the mask key rebuilt for client 3 does not match its advertised public key", driver.Server.AbortReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_graph_client_with_too_few_surviving_neighbours_aborts_before_unmasking()
    {
        // k = 4, t = 3: dropping three of client 1's neighbours after key sharing leaves it 2 < 3 share holders.
        var options = new SecureAggregationOptions { ClientCount = 10, VectorLength = 8, NeighbourDegree = 4, MinimumSurvivors = 3 };
        using var driver = new SecureAggregationDriver(options, seed: 11);
        Assert.True(driver.AdvertiseKeys());
        Assert.True(driver.ShareKeys());
        var graph = NeighbourGraph.Create(driver.Server.GraphSeed, 10, 4);
        var neighbours = graph.NeighboursOf(1);
        bool goesOn = driver.MaskInputs(new HashSet<int> { neighbours[0], neighbours[1], neighbours[2] });

        Assert.False(goesOn);
        Assert.Contains("client 1 (survivor) has 2 share holders left", driver.Server.AbortReason, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => driver.Server.UnmaskRequestFor(1));
    }

    [Fact]
    public void Logarithmic_degree_at_thirty_percent_dropout_aborts_cleanly_instead_of_summing_wrong()
    {
        // n = 50, k = 12, t = 7: 30 % (15 clients) gone after key sharing, seven of them neighbours of
        // client 1, leave it 5 live neighbours + itself < 7 share holders. A random 30 % does this to some
        // client most of the time at this degree; the round must stop before any share is revealed.
        var options = Options(50, sparse: true);
        Assert.Equal(12, options.EffectiveNeighbourDegree);
        using var driver = new SecureAggregationDriver(options, seed: 1052);
        Assert.True(driver.AdvertiseKeys());
        Assert.True(driver.ShareKeys());
        var graph = NeighbourGraph.Create(driver.Server.GraphSeed, 50, 12);
        var dropping = new HashSet<int>();
        foreach (int j in graph.NeighboursOf(1)[..7]) dropping.Add(j);
        for (int c = 50; dropping.Count < 15; c--) if (c != 1) dropping.Add(c);
        bool goesOn = driver.MaskInputs(dropping);

        Assert.False(goesOn);
        Assert.Contains("share holders left; the threshold is 7", driver.Server.AbortReason, StringComparison.Ordinal);
        Assert.Equal(SecureAggregationPhase.Aborted, driver.Server.Phase);
        Assert.Null(driver.Server.Finish());
    }

    internal static SecureAggregationOptions Options(int n, bool sparse, double dropoutRate = 0) => new()
    {
        ClientCount = n,
        VectorLength = 37,
        NeighbourDegree = sparse ? SecureAggregationOptions.RecommendedNeighbourDegree(n, dropoutRate) : null,
    };

    internal static void AssertSumMatches(SecureAggregationDriver driver, SecureAggregationResult result)
    {
        var expected = driver.ExpectedWeightedSum(result.IncludedClients);
        double bound = driver.Options.QuantizationErrorBound;
        for (int e = 0; e < expected.Length; e++)
            Assert.True(Math.Abs(expected[e] - result.WeightedSum[e]) <= bound, $"element {e}: expected {expected[e]}, got {result.WeightedSum[e]}, bound {bound}");
        double weight = 0;
        foreach (int c in result.IncludedClients) weight += driver.Weights[c];
        Assert.Equal(weight, result.TotalWeight, driver.Options.WeightErrorBound);
    }

    private static SecureAggregationResult? RunDroppingAt(SecureAggregationDriver driver, int phase, double fraction)
    {
        int n = driver.Options.ClientCount;
        if (!driver.AdvertiseKeys(phase == 0 ? SecureAggregationDriver.PickDropouts(All(n), fraction, 21) : null)) return null;
        if (!driver.ShareKeys(phase == 1 ? SecureAggregationDriver.PickDropouts(driver.Server.ActiveClients, fraction, 22) : null)) return null;
        if (!driver.MaskInputs(phase == 2 ? SecureAggregationDriver.PickDropouts(driver.Server.ActiveClients, fraction, 23) : null)) return null;
        return driver.Unmask(phase == 3 ? SecureAggregationDriver.PickDropouts(driver.Server.ActiveClients, fraction, 24) : null);
    }

    private static int[] All(int n)
    {
        var all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i + 1;
        return all;
    }
}
