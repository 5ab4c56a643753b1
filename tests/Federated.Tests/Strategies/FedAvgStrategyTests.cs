using Federated.Coordinator.Options;
using Federated.Coordinator.Strategies;
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
}
