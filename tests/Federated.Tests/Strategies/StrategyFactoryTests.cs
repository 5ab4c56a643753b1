using Federated.Coordinator.Options;
using Federated.Coordinator.Strategies;

namespace Federated.Tests.Strategies;

public class StrategyFactoryTests
{
    [Theory]
    [InlineData("fedavg", "FedAvg", false)]
    [InlineData("FedAvgM", "FedAvgM", false)]
    [InlineData("fedadagrad", "FedAdagrad", false)]
    [InlineData("FEDADAM", "FedAdam", false)]
    [InlineData("fedyogi", "FedYogi", false)]
    [InlineData("fedmedian", "FedMedian", true)]
    [InlineData("fedtrimmedavg", "FedTrimmedAvg", true)]
    [InlineData("Krum", "Krum", true)]
    [InlineData("multikrum", "MultiKrum", true)]
    [InlineData("bulyan", "Bulyan", true)]
    public void Every_name_builds_its_strategy_case_insensitively(string name, string expected, bool buffers)
    {
        var strategy = StrategyFactory.Create(name, new StrategyOptions(), new FederationOptions { MinResults = 3, ClientsPerRound = 3 });
        Assert.Equal(expected, strategy.Name);
        Assert.Equal(buffers, strategy.NeedsAllUpdates);
        Assert.Contains(name.ToLowerInvariant(), StrategyFactory.Names);
    }

    [Fact]
    public void Defaults_follow_the_papers()
    {
        var federation = new FederationOptions();
        var fedAvgM = (FedAvgMStrategy)StrategyFactory.Create("fedavgm", new StrategyOptions(), federation);
        Assert.Equal(1.0, fedAvgM.ServerLearningRate);
        Assert.Equal(0.9, fedAvgM.Momentum);
        var fedAdam = (FedAdamStrategy)StrategyFactory.Create("fedadam", new StrategyOptions(), federation);
        Assert.Equal((1e-2, 0.9, 0.99, 1e-3), (fedAdam.ServerLearningRate, fedAdam.Beta1, fedAdam.Beta2, fedAdam.Tau));
        var tuned = (FedYogiStrategy)StrategyFactory.Create("fedyogi", new StrategyOptions { ServerLearningRate = 0.5, Tau = 1e-2 }, federation);
        Assert.Equal((0.5, 1e-2), (tuned.ServerLearningRate, tuned.Tau));
    }

    [Fact]
    public void Unknown_names_list_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => StrategyFactory.Create("fedprox", new StrategyOptions(), new FederationOptions()));
        Assert.Contains("Federation:Strategy:Name = 'fedprox'", error.Message, StringComparison.Ordinal);
        foreach (string name in StrategyFactory.Names) Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TrimFraction")]
    [InlineData("ServerLearningRate")]
    [InlineData("ServerMomentum")]
    [InlineData("Beta1")]
    [InlineData("Beta2")]
    [InlineData("Tau")]
    [InlineData("ByzantineClients")]
    [InlineData("KrumSelect")]
    [InlineData("SpillThresholdBytes")]
    public void Each_invalid_option_is_reported_under_its_key(string key)
    {
        var options = new StrategyOptions();
        switch (key)
        {
            case "TrimFraction": options.TrimFraction = 0.5; break;
            case "ServerLearningRate": options.ServerLearningRate = 0; break;
            case "ServerMomentum": options.ServerMomentum = 1; break;
            case "Beta1": options.Beta1 = -0.1; break;
            case "Beta2": options.Beta2 = 1; break;
            case "Tau": options.Tau = double.NaN; break;
            case "ByzantineClients": options.ByzantineClients = -1; break;
            case "KrumSelect": options.KrumSelect = 0; break;
            case "SpillThresholdBytes": options.SpillThresholdBytes = -1; break;
        }
        var errors = StrategyFactory.Validate("fedavg", options, new FederationOptions());
        var error = Assert.Single(errors);
        Assert.StartsWith($"Federation:Strategy:Options:{key} = ", error, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => StrategyFactory.Create("fedavg", options, new FederationOptions()));
    }

    [Fact]
    public void Defaults_are_valid_for_every_streaming_and_coordinate_wise_strategy()
    {
        foreach (string name in new[] { "fedavg", "fedavgm", "fedadagrad", "fedadam", "fedyogi", "fedmedian", "fedtrimmedavg" })
            Assert.Empty(StrategyFactory.Validate(name, new StrategyOptions(), new FederationOptions()));
    }

    [Theory]
    [InlineData("krum", 2, 6, 7)]
    [InlineData("multikrum", 0, 2, 3)]
    [InlineData("bulyan", 1, 6, 7)]
    public void Krum_and_Bulyan_need_enough_results_per_round_for_f(string name, int f, int minResults, int needed)
    {
        var options = new StrategyOptions { ByzantineClients = f };
        var error = Assert.Single(StrategyFactory.Validate(name, options, new FederationOptions { MinResults = minResults, ClientsPerRound = 20 }));
        Assert.StartsWith("Federation:MinResults = ", error, StringComparison.Ordinal);
        Assert.Contains("Federation:Strategy:Options:ByzantineClients", error, StringComparison.Ordinal);
        Assert.Contains($"at least {needed}", error, StringComparison.Ordinal);
        Assert.Empty(StrategyFactory.Validate(name, options, new FederationOptions { MinResults = needed, ClientsPerRound = 20 }));
    }
}
