using Federated.Coordinator.Strategies;
using Federated.Shared.Parameters;

namespace Federated.Tests.Strategies;

public class RobustStrategyTests
{
    private static RobustStrategy Create(string name, StrategyOptions? options = null, int minResults = 2) =>
        (RobustStrategy)StrategyFactory.Create(name, options ?? new StrategyOptions(), StrategyTestData.Federation(minResults));

    private static ParameterBuffer Constant(int length, float value)
    {
        var buffer = new ParameterBuffer(StrategyTestData.Layout(length));
        buffer.Values.Fill(value);
        return buffer;
    }

    [Fact]
    public void Median_is_exact_on_hand_made_updates()
    {
        var global = Constant(4, 10);
        float[][] odd = [[1, -5, 3, 0], [2, 7, -1, 0], [9, 0, 2, 0]];
        Assert.Equal([12f, 10, 12, 10], StrategyTestData.Aggregate(Create("fedmedian"), global, odd, [1, 1, 1000]).Array);
        float[][] even = [[1, -5, 3, 4], [2, 7, -1, 4], [9, 0, 2, 4], [100, 1, 2, -4]];
        Assert.Equal([15.5f, 10.5f, 12, 14], StrategyTestData.Aggregate(Create("fedmedian"), global, even).Array);
    }

    [Fact]
    public void Trimmed_mean_is_exact_on_hand_made_updates()
    {
        var global = Constant(4, 1);
        // β = 0.2 of 5 trims one value from each end of every coordinate.
        float[][] deltas = [[1, 50, 0, 2], [2, -50, 0, 2], [3, 1, 0, 2], [4, 2, 0, 2], [1000, 3, 9, 2]];
        var strategy = Create("fedtrimmedavg", new StrategyOptions { TrimFraction = 0.2 });
        Assert.Equal([4f, 3, 1, 3], StrategyTestData.Aggregate(strategy, global, deltas).Array);
        // β = 0.1 of 5 trims nothing: the plain mean.
        var untrimmed = Create("fedtrimmedavg", new StrategyOptions { TrimFraction = 0.1 });
        Assert.Equal([203f, 2.2f, 2.8f, 3], StrategyTestData.Aggregate(untrimmed, global, deltas).Array);
    }

    private static double[] CoordinateReference(float[][] deltas, Func<double[], double> reduce)
    {
        var result = new double[deltas[0].Length];
        for (int i = 0; i < result.Length; i++)
        {
            var column = new double[deltas.Length];
            for (int k = 0; k < deltas.Length; k++) column[k] = deltas[k][i];
            Array.Sort(column);
            result[i] = reduce(column);
        }
        return result;
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    private static double TrimmedMean(double[] sorted, double fraction)
    {
        int cut = (int)(fraction * sorted.Length);
        double sum = 0;
        for (int i = cut; i < sorted.Length - cut; i++) sum += sorted[i];
        return sum / (sorted.Length - 2 * cut);
    }

    /// <summary>Runs a rule on an update buffer with tiny blocks and a memory limit that spills part of the updates.</summary>
    private static float[] RunRule(IRobustRule rule, float[][] deltas, long memoryLimitBytes, int blockBudget)
    {
        using var buffer = new UpdateBuffer(deltas[0].Length, memoryLimitBytes) { BlockBudget = blockBudget };
        foreach (var delta in deltas) buffer.Add(delta, 1);
        var result = new float[deltas[0].Length];
        rule.Aggregate(buffer, result);
        return result;
    }

    [Theory]
    [InlineData(9, 0L, 7)]
    [InlineData(10, 3L * 101 * 4, 13)]
    [InlineData(10, long.MaxValue, 1 << 20)]
    public void Median_and_trimmed_mean_match_the_reference_over_blocks_in_memory_and_spilled(int count, long memoryLimit, int blockBudget)
    {
        var deltas = StrategyTestData.Deltas(count, 101, seed: count);
        StrategyTestData.AssertClose(CoordinateReference(deltas, Median), RunRule(new MedianRule(), deltas, memoryLimit, blockBudget), 1e-6);
        StrategyTestData.AssertClose(CoordinateReference(deltas, c => TrimmedMean(c, 0.25)), RunRule(new TrimmedMeanRule(0.25), deltas, memoryLimit, blockBudget), 1e-6);
    }

    /// <summary>Five honest updates near one point, two far-away outliers at indices 1 and 4.</summary>
    private static float[][] HonestAndOutliers(int length, int seed)
    {
        var random = new Random(seed);
        var center = new double[length];
        for (int i = 0; i < length; i++) center[i] = random.NextDouble() - 0.5;
        var deltas = new float[7][];
        for (int k = 0; k < deltas.Length; k++)
        {
            double offset = k switch { 1 => 100, 4 => -80, _ => 0 };
            deltas[k] = new float[length];
            for (int i = 0; i < length; i++) deltas[k][i] = (float)(center[i] + offset + (random.NextDouble() - 0.5) * 0.05);
        }
        return deltas;
    }

    private static readonly int[] Honest = [0, 2, 3, 5, 6];

    private static double SquaredDistance(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        return sum;
    }

    /// <summary>Krum scores over <paramref name="candidates"/>, plainly.</summary>
    private static double[] KrumScores(float[][] deltas, List<int> candidates, int neighbours) =>
        candidates.Select(c => candidates.Where(o => o != c).Select(o => SquaredDistance(deltas[c], deltas[o])).Order().Take(neighbours).Sum()).ToArray();

    private static double[] MeanOf(float[][] deltas, IEnumerable<int> rows)
    {
        var chosen = rows.ToArray();
        var mean = new double[deltas[0].Length];
        for (int i = 0; i < mean.Length; i++) mean[i] = chosen.Average(k => (double)deltas[k][i]);
        return mean;
    }

    private static double[] Shifted(ParameterBuffer global, double[] delta) => delta.Select((d, i) => d + global.Values[i]).ToArray();

    [Fact]
    public void Krum_picks_the_most_central_honest_update()
    {
        var deltas = HonestAndOutliers(64, seed: 1);
        var global = StrategyTestData.Global(64, seed: 2);
        var scores = KrumScores(deltas, [.. Enumerable.Range(0, 7)], 7 - 2 - 2);
        int best = Array.IndexOf(scores, scores.Min());
        Assert.Contains(best, Honest);
        var next = StrategyTestData.Aggregate(Create("krum", new StrategyOptions { ByzantineClients = 2 }, minResults: 7), global, deltas);
        StrategyTestData.AssertClose(Shifted(global, MeanOf(deltas, [best])), next.Values, 1e-6);
    }

    [Fact]
    public void Multi_Krum_averages_the_honest_cluster()
    {
        var deltas = HonestAndOutliers(64, seed: 3);
        var global = StrategyTestData.Global(64, seed: 4);
        var options = new StrategyOptions { ByzantineClients = 2 };
        var next = StrategyTestData.Aggregate(Create("multikrum", options, minResults: 7), global, deltas);
        // m = n − f = 5: exactly the honest updates.
        StrategyTestData.AssertClose(Shifted(global, MeanOf(deltas, Honest)), next.Values, 1e-5);

        options.KrumSelect = 3;
        var scores = KrumScores(deltas, [.. Enumerable.Range(0, 7)], 3);
        var best3 = Enumerable.Range(0, 7).OrderBy(k => scores[k]).Take(3).ToArray();
        Assert.All(best3, k => Assert.Contains(k, Honest));
        var three = StrategyTestData.Aggregate(Create("multikrum", options, minResults: 7), global, deltas);
        StrategyTestData.AssertClose(Shifted(global, MeanOf(deltas, best3)), three.Values, 1e-5);
    }

    /// <summary>Bulyan, plainly: recursive Krum selection of θ = n − 2f, then per coordinate the mean of the β = θ − 2f values closest to the median.</summary>
    private static double[] BulyanReference(float[][] deltas, int f)
    {
        int n = deltas.Length, theta = n - 2 * f, beta = theta - 2 * f;
        var remaining = Enumerable.Range(0, n).ToList();
        var selected = new List<int>();
        while (selected.Count < theta)
        {
            int neighbours = Math.Min(Math.Max(1, remaining.Count - f - 2), remaining.Count - 1);
            var scores = KrumScores(deltas, remaining, neighbours);
            int best = remaining[Array.IndexOf(scores, scores.Min())];
            selected.Add(best);
            remaining.Remove(best);
        }
        var result = new double[deltas[0].Length];
        for (int i = 0; i < result.Length; i++)
        {
            var values = selected.Select(k => (double)deltas[k][i]).Order().ToArray();
            double median = Median(values);
            result[i] = values.OrderBy(v => Math.Abs(v - median)).Take(beta).Average();
        }
        return result;
    }

    [Fact]
    public void Bulyan_keeps_to_the_honest_cluster()
    {
        var deltas = HonestAndOutliers(64, seed: 5);
        var global = StrategyTestData.Global(64, seed: 6);
        var next = StrategyTestData.Aggregate(Create("bulyan", new StrategyOptions { ByzantineClients = 1 }, minResults: 7), global, deltas);
        StrategyTestData.AssertClose(Shifted(global, BulyanReference(deltas, 1)), next.Values, 1e-5);
        // Every coordinate stays within the honest updates' spread.
        for (int i = 0; i < 64; i++)
        {
            var honest = Honest.Select(k => deltas[k][i] + global.Values[i]).ToArray();
            Assert.InRange(next.Values[i], honest.Min() - 1e-5f, honest.Max() + 1e-5f);
        }
    }

    [Fact]
    public void Bulyan_matches_the_reference_on_random_updates()
    {
        var deltas = StrategyTestData.Deltas(11, 37, seed: 7);
        var global = StrategyTestData.Global(37, seed: 8);
        var next = StrategyTestData.Aggregate(Create("bulyan", new StrategyOptions { ByzantineClients = 2 }, minResults: 11), global, deltas);
        StrategyTestData.AssertClose(Shifted(global, BulyanReference(deltas, 2)), next.Values, 1e-5);
    }

    [Theory]
    [InlineData("fedmedian")]
    [InlineData("fedtrimmedavg")]
    [InlineData("krum")]
    [InlineData("multikrum")]
    [InlineData("bulyan")]
    public void Spilling_to_disk_gives_the_in_memory_result_and_leaves_no_file(string name)
    {
        var deltas = HonestAndOutliers(300, seed: 9);
        var global = StrategyTestData.Global(300, seed: 10);
        var inMemory = StrategyTestData.Aggregate(Create(name, new StrategyOptions { ByzantineClients = 1 }, minResults: 7), global, deltas);

        string directory = Directory.CreateTempSubdirectory("federated-spill-test-").FullName;
        try
        {
            foreach (long threshold in new long[] { 0, 2 * 300 * sizeof(float) + 1 })
            {
                var options = new StrategyOptions { ByzantineClients = 1, SpillThresholdBytes = threshold };
                var strategy = (RobustStrategy)StrategyFactory.Create(name, options, StrategyTestData.Federation(7));
                var spilling = new RobustStrategy(StrategyTestData.Federation(7), strategy.Name, GetRule(strategy), threshold) { SpillDirectory = directory };
                var aggregator = (RobustAggregator)spilling.CreateAggregator(global);
                foreach (var delta in deltas) aggregator.Accumulate(delta, 1);
                Assert.Equal(threshold == 0 ? 7 : 5, aggregator.SpilledCount);
                Assert.Single(Directory.GetFiles(directory));
                var next = aggregator.Finish();
                Assert.Equal(inMemory.Array, next.Array);
                Assert.Empty(Directory.GetFiles(directory));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IRobustRule GetRule(RobustStrategy strategy) => strategy.Name switch
    {
        "FedMedian" => new MedianRule(),
        "FedTrimmedAvg" => new TrimmedMeanRule(0.1),
        "Krum" => new KrumRule(1, 1),
        "MultiKrum" => new KrumRule(1, null),
        "Bulyan" => new BulyanRule(1),
        _ => throw new ArgumentException(strategy.Name),
    };

    [Fact]
    public void Update_buffer_reads_blocks_back_from_memory_and_from_the_file()
    {
        var deltas = StrategyTestData.Deltas(4, 50, seed: 11);
        using var buffer = new UpdateBuffer(50, memoryLimitBytes: 2 * 50 * sizeof(float));
        for (int k = 0; k < deltas.Length; k++) buffer.Add(deltas[k], 10 + k);
        Assert.Equal(2, buffer.SpilledCount);
        var scratch = new float[13];
        for (int k = 0; k < deltas.Length; k++)
        {
            Assert.Equal(deltas[k].AsSpan(30, 13).ToArray(), buffer.Read(k, 30, scratch).ToArray());
            Assert.Equal(10 + k, buffer.ExampleCount(k));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Read(0, 40, scratch));
        Assert.Throws<ArgumentException>(() => buffer.Add(new float[3], 1));
    }

    [Theory]
    [InlineData("krum", 2, 6, 7)]
    [InlineData("multikrum", 1, 4, 5)]
    [InlineData("bulyan", 1, 6, 7)]
    [InlineData("bulyan", 2, 10, 11)]
    public void Too_few_updates_for_f_fail_with_a_clear_error(string name, int f, int count, int needed)
    {
        var strategy = Create(name, new StrategyOptions { ByzantineClients = f }, minResults: needed);
        Assert.Equal(needed, strategy.MinimumUpdates);
        var global = StrategyTestData.Global(20, seed: 12);
        var aggregator = strategy.CreateAggregator(global);
        foreach (var delta in StrategyTestData.Deltas(count, 20, seed: 13)) aggregator.Accumulate(delta, 1);
        var error = Assert.Throws<InvalidOperationException>(aggregator.Finish);
        Assert.Contains($"at least {needed} updates", error.Message, StringComparison.Ordinal);
        Assert.Contains("Federation:Strategy:Options:ByzantineClients", error.Message, StringComparison.Ordinal);
        Assert.Contains($"has {count}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Robust_strategies_buffer_keep_no_state_and_refuse_empty_rounds()
    {
        var strategy = Create("fedmedian");
        Assert.True(strategy.NeedsAllUpdates);
        Assert.Null(strategy.SaveState());
        strategy.LoadState([]);
        Assert.Throws<ArgumentException>(() => strategy.LoadState([1, 2, 3]));
        var aggregator = strategy.CreateAggregator(StrategyTestData.Global(10, 14));
        Assert.Throws<InvalidOperationException>(aggregator.Finish);
    }
}
