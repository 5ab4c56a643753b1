using Federated.Coordinator.Strategies;
using Federated.Shared.Parameters;

namespace Federated.Tests.Strategies;

public class ServerOptimizerTests
{
    private const int Length = 203;
    private static readonly long[] Counts = [50, 200, 7, 1000];

    /// <summary>Reddi et al.'s Algorithm 2 (and Hsu et al.'s server momentum), in doubles, one element at a time.</summary>
    private sealed class Reference(string variant, double eta, double beta1, double beta2, double tau, int length)
    {
        private readonly double[] _m = new double[length];
        private readonly double[] _v = Enumerable.Repeat(tau * tau, length).ToArray();

        public double[] Step(ReadOnlySpan<float> global, float[][] deltas, long[] counts)
        {
            double total = counts.Sum();
            var next = new double[global.Length];
            for (int i = 0; i < global.Length; i++)
            {
                double delta = 0;
                for (int k = 0; k < deltas.Length; k++) delta += counts[k] * (double)deltas[k][i];
                delta /= total;
                if (variant == "fedavgm")
                {
                    _m[i] = beta1 * _m[i] + delta;
                    next[i] = global[i] + eta * _m[i];
                    continue;
                }
                _m[i] = beta1 * _m[i] + (1 - beta1) * delta;
                double squared = delta * delta;
                _v[i] = variant switch
                {
                    "fedadagrad" => _v[i] + squared,
                    "fedadam" => beta2 * _v[i] + (1 - beta2) * squared,
                    "fedyogi" => _v[i] - (1 - beta2) * squared * Math.Sign(_v[i] - squared),
                    _ => throw new ArgumentException(variant),
                };
                next[i] = global[i] + eta * _m[i] / (Math.Sqrt(_v[i]) + tau);
            }
            return next;
        }
    }

    private static FedOptStrategy Create(string variant, double eta, double beta1, double beta2, double tau) => variant switch
    {
        "fedavgm" => new FedAvgMStrategy(StrategyTestData.Federation(), eta, beta1),
        "fedadagrad" => new FedAdagradStrategy(StrategyTestData.Federation(), eta, beta1, tau),
        "fedadam" => new FedAdamStrategy(StrategyTestData.Federation(), eta, beta1, beta2, tau),
        "fedyogi" => new FedYogiStrategy(StrategyTestData.Federation(), eta, beta1, beta2, tau),
        _ => throw new ArgumentException(variant),
    };

    [Theory]
    [InlineData("fedavgm", 1.0, 0.9, 0, 0)]
    [InlineData("fedavgm", 0.7, 0.5, 0, 0)]
    [InlineData("fedadagrad", 0.1, 0.9, 0, 1e-3)]
    [InlineData("fedadam", 0.1, 0.9, 0.99, 1e-3)]
    [InlineData("fedyogi", 0.1, 0.9, 0.99, 1e-3)]
    [InlineData("fedadam", 0.03, 0.5, 0.9, 1e-1)]
    [InlineData("fedyogi", 0.03, 0.0, 0.5, 1e-2)]
    public void Two_rounds_match_the_paper_update_including_moments(string variant, double eta, double beta1, double beta2, double tau)
    {
        var strategy = Create(variant, eta, beta1, beta2, tau);
        var reference = new Reference(variant, eta, beta1, beta2, tau, Length);
        var global = StrategyTestData.Global(Length, seed: 1);
        for (int round = 1; round <= 2; round++)
        {
            var deltas = StrategyTestData.Deltas(Counts.Length, Length, seed: 10 + round);
            var expected = reference.Step(global.Values, deltas, Counts);
            var next = StrategyTestData.Aggregate(strategy, global, deltas, Counts);
            StrategyTestData.AssertClose(expected, next.Values, 2e-5);
            global = next;
        }
    }

    [Fact]
    public void Server_momentum_of_zero_at_rate_one_is_FedAvg()
    {
        var global = StrategyTestData.Global(Length, seed: 2);
        var deltas = StrategyTestData.Deltas(Counts.Length, Length, seed: 3);
        var fedAvg = StrategyTestData.Aggregate(new FedAvgStrategy(Microsoft.Extensions.Options.Options.Create(StrategyTestData.Federation())), global, deltas, Counts);
        var fedAvgM = StrategyTestData.Aggregate(new FedAvgMStrategy(StrategyTestData.Federation(), 1.0, 0.0), global, deltas, Counts);
        for (int i = 0; i < Length; i++) Assert.Equal(fedAvg.Values[i], fedAvgM.Values[i], 1e-6f);
    }

    [Theory]
    [InlineData("fedavgm")]
    [InlineData("fedadagrad")]
    [InlineData("fedadam")]
    [InlineData("fedyogi")]
    public void Saved_state_continues_exactly_like_an_uninterrupted_run(string variant)
    {
        var uninterrupted = Create(variant, 0.1, 0.9, 0.99, 1e-3);
        var first = Create(variant, 0.1, 0.9, 0.99, 1e-3);
        Assert.Null(first.SaveState());
        var start = StrategyTestData.Global(Length, seed: 4);

        var globalA = start;
        var globalB = start;
        byte[]? saved = null;
        var resumed = Create(variant, 0.1, 0.9, 0.99, 1e-3);
        for (int round = 1; round <= 3; round++)
        {
            var deltas = StrategyTestData.Deltas(Counts.Length, Length, seed: 20 + round);
            globalA = StrategyTestData.Aggregate(uninterrupted, globalA, deltas, Counts);
            if (round == 1)
            {
                globalB = StrategyTestData.Aggregate(first, globalB, deltas, Counts);
                saved = first.SaveState();
                resumed.LoadState(saved);
            }
            else
            {
                globalB = StrategyTestData.Aggregate(resumed, globalB, deltas, Counts);
            }
            Assert.Equal(globalA.Array, globalB.Array);
        }
        Assert.Equal(uninterrupted.SaveState(), resumed.SaveState());
    }

    [Fact]
    public void State_format_is_versioned_little_endian_with_the_element_count()
    {
        var strategy = new FedAdamStrategy(StrategyTestData.Federation(), 0.1, 0.9, 0.99, 1e-3);
        StrategyTestData.Aggregate(strategy, StrategyTestData.Global(Length, 5), StrategyTestData.Deltas(2, Length, 6));
        byte[] state = strategy.SaveState()!;
        Assert.Equal(MomentStateFormat.HeaderBytes + 2 * Length * sizeof(float), state.Length);
        Assert.Equal(MomentStateFormat.Version, state[0]);
        Assert.Equal(3, state[1]);
        Assert.Equal(2, state[2]);
        Assert.Equal(Length, BitConverter.ToInt32(state, 4));
    }

    [Fact]
    public void Loading_a_wrong_state_fails_clearly()
    {
        var adam = new FedAdamStrategy(StrategyTestData.Federation());
        StrategyTestData.Aggregate(adam, StrategyTestData.Global(Length, 7), StrategyTestData.Deltas(2, Length, 8));
        byte[] state = adam.SaveState()!;

        var truncated = Assert.Throws<ArgumentException>(() => new FedAdamStrategy(StrategyTestData.Federation()).LoadState(state.AsSpan(0, state.Length - 4)));
        Assert.Contains($"{Length} elements", truncated.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new FedAdamStrategy(StrategyTestData.Federation()).LoadState(state.AsSpan(0, 5)));
        Assert.Throws<ArgumentException>(() => new FedYogiStrategy(StrategyTestData.Federation()).LoadState(state));
        Assert.Throws<ArgumentException>(() => new FedAvgMStrategy(StrategyTestData.Federation()).LoadState(state));
        byte[] future = (byte[])state.Clone();
        future[0] = 9;
        Assert.Contains("version 9", Assert.Throws<ArgumentException>(() => new FedAdamStrategy(StrategyTestData.Federation()).LoadState(future)).Message, StringComparison.Ordinal);

        var other = new FedAdamStrategy(StrategyTestData.Federation());
        other.LoadState(state);
        Assert.Throws<InvalidOperationException>(() => other.CreateAggregator(StrategyTestData.Global(Length + 1, 9)));
        other.LoadState([]);
        Assert.Null(other.SaveState());
    }

    [Fact]
    public void A_round_finishes_once_and_an_unfinished_round_leaves_the_state_alone()
    {
        var strategy = new FedYogiStrategy(StrategyTestData.Federation());
        var global = StrategyTestData.Global(Length, 10);
        var abandoned = strategy.CreateAggregator(global);
        abandoned.Accumulate(StrategyTestData.Deltas(1, Length, 11)[0], 3);
        Assert.Null(strategy.SaveState());

        var aggregator = strategy.CreateAggregator(global);
        Assert.Throws<InvalidOperationException>(aggregator.Finish);
        aggregator.Accumulate(StrategyTestData.Deltas(1, Length, 12)[0], 3);
        aggregator.Finish();
        Assert.Throws<InvalidOperationException>(aggregator.Finish);
        Assert.NotNull(strategy.SaveState());
    }
}
