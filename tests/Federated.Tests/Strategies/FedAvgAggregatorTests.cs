using Federated.Coordinator.Strategies;
using Federated.Shared.Parameters;

namespace Federated.Tests.Strategies;

public class FedAvgAggregatorTests
{
    private static readonly ParameterLayout Layout = new([new TensorSpec("w", 257), new TensorSpec("b", 3)]);

    /// <summary>The textbook formula, in doubles, one element at a time.</summary>
    private static double[] Reference(float[] global, float[][] locals, long[] counts)
    {
        double total = counts.Sum();
        var result = new double[global.Length];
        for (int i = 0; i < global.Length; i++)
        {
            double average = 0;
            for (int k = 0; k < locals.Length; k++) average += counts[k] / total * locals[k][i];
            result[i] = average;
        }
        return result;
    }

    [Fact]
    public void Matches_the_weighted_average_of_client_models()
    {
        var random = new Random(3);
        var global = new ParameterBuffer(Layout);
        for (int i = 0; i < global.Length; i++) global.Values[i] = (float)random.NextDouble();
        long[] counts = [600, 100, 3000, 1];
        var locals = new float[counts.Length][];
        var aggregator = new FedAvgAggregator(global);
        for (int k = 0; k < counts.Length; k++)
        {
            locals[k] = new float[global.Length];
            var delta = new float[global.Length];
            for (int i = 0; i < delta.Length; i++)
            {
                locals[k][i] = (float)(random.NextDouble() * 2 - 1);
                delta[i] = locals[k][i] - global.Values[i];
            }
            aggregator.Accumulate(delta, counts[k]);
        }

        var next = aggregator.Finish();
        var expected = Reference(global.Array, locals, counts);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], next.Values[i], 1e-5);
        Assert.Equal(4, aggregator.Count);
        Assert.Equal(3701, aggregator.TotalExamples);
    }

    [Fact]
    public void Equal_updates_give_that_update_whatever_the_weights()
    {
        var global = new ParameterBuffer(Layout);
        var delta = new float[global.Length];
        Array.Fill(delta, 0.5f);
        var aggregator = new FedAvgAggregator(global);
        aggregator.Accumulate(delta, 7);
        aggregator.Accumulate(delta, 70_000);
        Assert.All(aggregator.Finish().Array, v => Assert.Equal(0.5f, v, 1e-6f));
    }

    [Fact]
    public void Does_not_modify_the_global_model()
    {
        var global = new ParameterBuffer(Layout);
        global.Values.Fill(1);
        var aggregator = new FedAvgAggregator(global);
        aggregator.Accumulate(Enumerable.Repeat(2f, global.Length).ToArray(), 10);
        Assert.All(aggregator.Finish().Array, v => Assert.Equal(3f, v));
        Assert.All(global.Array, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Finish_builds_the_model_once_and_then_refuses_updates_that_would_change_it()
    {
        var global = new ParameterBuffer(Layout);
        global.Values.Fill(1);
        var aggregator = new FedAvgAggregator(global);
        aggregator.Accumulate(Enumerable.Repeat(2f, global.Length).ToArray(), 10);
        var next = aggregator.Finish();

        Assert.Same(next, aggregator.Finish());
        Assert.Throws<InvalidOperationException>(() => aggregator.Accumulate(new float[global.Length], 1));
        Assert.All(next.Array, v => Assert.Equal(3f, v));
        Assert.Equal(1, aggregator.Count);
    }

    [Fact]
    public void Refuses_wrong_sizes_weights_and_empty_rounds()
    {
        var aggregator = new FedAvgAggregator(new ParameterBuffer(Layout));
        Assert.Throws<InvalidOperationException>(aggregator.Finish);
        Assert.Throws<ArgumentException>(() => aggregator.Accumulate(new float[3], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => aggregator.Accumulate(new float[Layout.TotalLength], 0));
    }
}
