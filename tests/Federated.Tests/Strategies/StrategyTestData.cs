using Federated.Coordinator.Options;
using Federated.Coordinator.Strategies;
using Federated.Shared.Parameters;

namespace Federated.Tests.Strategies;

/// <summary>Small random models and updates shared by the strategy tests.</summary>
internal static class StrategyTestData
{
    public static ParameterLayout Layout(int length) => new([new TensorSpec("w", length - 3), new TensorSpec("b", 3)]);

    public static ParameterBuffer Global(int length, int seed)
    {
        var random = new Random(seed);
        var global = new ParameterBuffer(Layout(length));
        for (int i = 0; i < length; i++) global.Values[i] = (float)(random.NextDouble() * 2 - 1);
        return global;
    }

    public static float[][] Deltas(int count, int length, int seed, double scale = 0.1)
    {
        var random = new Random(seed);
        var deltas = new float[count][];
        for (int k = 0; k < count; k++)
        {
            deltas[k] = new float[length];
            for (int i = 0; i < length; i++) deltas[k][i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }
        return deltas;
    }

    public static FederationOptions Federation(int minResults = 2) => new() { MinResults = minResults, ClientsPerRound = Math.Max(minResults, 2) };

    public static ParameterBuffer Aggregate(IStrategy strategy, ParameterBuffer global, float[][] deltas, long[]? counts = null)
    {
        var aggregator = strategy.CreateAggregator(global);
        try
        {
            for (int k = 0; k < deltas.Length; k++) aggregator.Accumulate(deltas[k], counts?[k] ?? 1);
            return aggregator.Finish();
        }
        finally
        {
            (aggregator as IDisposable)?.Dispose();
        }
    }

    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - actual[i]) > tolerance * (1 + Math.Abs(expected[i])))
                Assert.Fail($"Element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance}).");
        }
    }
}
