using Federated.Coordinator.Options;
using Federated.Coordinator.Strategies;
using Federated.Shared.Parameters;
using Microsoft.Extensions.Options;

namespace Federated.Tests.Strategies;

public class FedAvgStrategyTests
{
    private static readonly string[] Clients = Enumerable.Range(0, 100).Select(i => $"c{i}").ToArray();

    private static FedAvgStrategy Strategy(int seed, int perRound = 10, double fraction = 0) =>
        new(Microsoft.Extensions.Options.Options.Create(new FederationOptions { Seed = seed, ClientsPerRound = perRound, FractionPerRound = fraction }));

    [Fact]
    public void Selection_is_reproducible_for_a_seed_and_round()
    {
        Assert.Equal(Strategy(5).SelectClients(3, Clients), Strategy(5).SelectClients(3, Clients));
        Assert.NotEqual(Strategy(5).SelectClients(3, Clients), Strategy(5).SelectClients(4, Clients));
        Assert.NotEqual(Strategy(5).SelectClients(3, Clients), Strategy(6).SelectClients(3, Clients));
    }

    [Fact]
    public void Selection_has_distinct_available_clients_of_the_configured_size()
    {
        var chosen = Strategy(1).SelectClients(1, Clients);
        Assert.Equal(10, chosen.Count);
        Assert.Equal(10, chosen.Distinct().Count());
        Assert.All(chosen, c => Assert.Contains(c, Clients));
        Assert.Equal(30, Strategy(1, perRound: 2, fraction: 0.3).SelectClients(1, Clients).Count);
        Assert.Equal(3, Strategy(1).SelectClients(1, Clients[..3]).Count);
    }

    [Fact]
    public void Every_client_gets_picked_over_many_rounds()
    {
        var strategy = Strategy(9);
        var seen = new HashSet<string>();
        for (int round = 1; round <= 100; round++) seen.UnionWith(strategy.SelectClients(round, Clients));
        Assert.Equal(Clients.Length, seen.Count);
    }

    [Fact]
    public void Training_seeds_differ_per_client_slot_and_round()
    {
        var strategy = Strategy(2);
        Assert.NotEqual(strategy.ConfigureFit(1, "a", 0).Seed, strategy.ConfigureFit(1, "b", 1).Seed);
        Assert.NotEqual(strategy.ConfigureFit(1, "a", 0).Seed, strategy.ConfigureFit(2, "a", 0).Seed);
        Assert.Equal(strategy.ConfigureFit(1, "a", 0), Strategy(2).ConfigureFit(1, "a", 0));
    }

    [Fact]
    public void Retired_model_reused_as_a_later_sum_leaves_every_round_model_intact()
    {
        var strategy = Strategy(1);
        var layout = new ParameterLayout([new TensorSpec("w", 70), new TensorSpec("b", 3)]);
        var global = new ParameterBuffer(layout);
        global.Values.Fill(1);
        var models = new List<ParameterBuffer> { global };
        // Each round adds 0.5; the coordinator hands back the model each round replaces.
        for (int round = 1; round <= 4; round++)
        {
            var aggregator = strategy.CreateAggregator(models[^1]);
            aggregator.Accumulate(Enumerable.Repeat(0.25f, layout.TotalLength).ToArray(), 3);
            aggregator.Accumulate(Enumerable.Repeat(0.75f, layout.TotalLength).ToArray(), 3);
            models.Add(aggregator.Finish());
            ((IReusesRetiredModels)strategy).Reuse(models[^2]);
        }

        // The retired arrays were summed into (no fresh array per round) and started from zero...
        Assert.Same(models[0].Array, models[2].Array);
        Assert.Same(models[1].Array, models[3].Array);
        // ...while the models still in use kept their values.
        Assert.All(models[^1].Array, v => Assert.Equal(3f, v));
        Assert.All(models[^2].Array, v => Assert.Equal(2.5f, v));
    }

    [Fact]
    public void Reused_array_of_another_length_is_not_taken()
    {
        var strategy = Strategy(1);
        ((IReusesRetiredModels)strategy).Reuse(new ParameterBuffer(new ParameterLayout([new TensorSpec("w", 5)])));
        var global = new ParameterBuffer(new ParameterLayout([new TensorSpec("w", 7)]));
        var aggregator = strategy.CreateAggregator(global);
        aggregator.Accumulate(Enumerable.Repeat(1f, 7).ToArray(), 1);
        Assert.All(aggregator.Finish().Array, v => Assert.Equal(1f, v));
    }
}
