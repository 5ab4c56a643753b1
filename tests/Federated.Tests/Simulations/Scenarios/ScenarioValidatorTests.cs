using Federated.Simulations.Scenarios;

namespace Federated.Tests.Simulations.Scenarios;

public sealed class ScenarioValidatorTests
{
    [Fact]
    public void Validate_Defaults_HasNoErrors()
    {
        Assert.Empty(ScenarioValidator.Validate(new SimulationScenario()));
    }

    [Theory]
    [InlineData("clientsPerRound=0", "clientsPerRound")]
    [InlineData("clientsPerRound=101", "clientsPerRound")]
    [InlineData("rounds=0", "rounds")]
    [InlineData("partition.alpha=0", "partition.alpha")]
    [InlineData("partition.kind=random", "partition.kind")]
    [InlineData("strategy.name=fedprox", "strategy.name")]
    [InlineData("training.epochs=0", "training.epochs")]
    [InlineData("training.batchSize=0", "training.batchSize")]
    [InlineData("training.learningRate=0", "training.learningRate")]
    [InlineData("roundTimeoutSeconds=0", "roundTimeoutSeconds")]
    [InlineData("workers=-1", "workers")]
    [InlineData("faults.dropoutProbability=1.5", "faults.dropoutProbability")]
    [InlineData("faults.stragglerFraction=-0.1", "faults.stragglerFraction")]
    [InlineData("faults.unavailableProbability=2", "faults.unavailableProbability")]
    [InlineData("minResults=11", "minResults")]
    public void Validate_OneBadValue_OneErrorNamingTheKey(string item, string key)
    {
        var scenario = ScenarioOverrides.Apply(new SimulationScenario(), [item]);

        var errors = ScenarioValidator.Validate(scenario);

        string error = Assert.Single(errors);
        Assert.StartsWith(key, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoClients_NamesClientsAndClientsPerRound()
    {
        var errors = ScenarioValidator.Validate(new SimulationScenario { Clients = 0 });

        Assert.Contains(errors, e => e.StartsWith("clients must", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("clientsPerRound must", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ManyBadValues_ListsEveryError()
    {
        var scenario = ScenarioOverrides.Apply(new SimulationScenario(),
            ["rounds=0", "training.learningRate=-1", "faults.dropoutProbability=3", "partition.kind=x"]);

        var errors = ScenarioValidator.Validate(scenario);

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("rounds", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("training.learningRate", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("faults.dropoutProbability", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("partition.kind", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("IID")]
    [InlineData("shards")]
    [InlineData("quantity")]
    public void Validate_KnownPartitionKinds_AreAccepted(string kind)
    {
        var scenario = ScenarioOverrides.Apply(new SimulationScenario(), [$"partition.kind={kind}"]);

        Assert.Empty(ScenarioValidator.Validate(scenario));
    }
}
