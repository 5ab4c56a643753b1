using Federated.Shared.Training;
using Federated.Simulations.Scenarios;

namespace Federated.Tests.Simulations.Scenarios;

public sealed class ScenarioOverridesTests
{
    private static readonly SimulationScenario Baseline = new();

    [Fact]
    public void Apply_TopLevelAndNestedKeys_SetsThemCaseInsensitively()
    {
        var scenario = ScenarioOverrides.Apply(Baseline,
        [
            "clients=1000", "CLIENTSPERROUND=50", "partition.alpha=0.1", "Training.LearningRate=0.05",
            "faults.dropoutProbability=0.2", "strategy.name=fedavg", "loopback=true", "name = spaced ",
        ]);

        Assert.Equal(1000, scenario.Clients);
        Assert.Equal(50, scenario.ClientsPerRound);
        Assert.Equal(0.1, scenario.Partition.Alpha);
        Assert.Equal(0.05, scenario.Training.LearningRate);
        Assert.Equal(0.2, scenario.Faults.DropoutProbability);
        Assert.Equal("fedavg", scenario.Strategy.Name);
        Assert.True(scenario.Loopback);
        Assert.Equal("spaced", scenario.Name);
        Assert.Equal(Baseline.Partition.Kind, scenario.Partition.Kind);
        Assert.Equal(Baseline.Training.BatchSize, scenario.Training.BatchSize);
    }

    [Fact]
    public void Apply_Enum_AcceptsAnyCasing()
    {
        var scenario = ScenarioOverrides.Apply(Baseline, ["training.optimizer=ADAM"]);

        Assert.Equal(OptimizerKind.Adam, scenario.Training.Optimizer);
    }

    [Fact]
    public void Apply_LaterOverrideWins_AndInputIsUnchanged()
    {
        var scenario = ScenarioOverrides.Apply(Baseline, ["rounds=3", "rounds=9"]);

        Assert.Equal(9, scenario.Rounds);
        Assert.Equal(5, Baseline.Rounds);
    }

    [Fact]
    public void Apply_NoOverrides_ReturnsTheSameScenario()
    {
        Assert.Same(Baseline, ScenarioOverrides.Apply(Baseline, []));
    }

    [Fact]
    public void Apply_UnknownKey_ErrorNamesKeyAndListsValidKeys()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioOverrides.Apply(Baseline, ["partition.alhpa=0.1"]));

        Assert.Contains("'partition.alhpa'", error.Message, StringComparison.Ordinal);
        Assert.Contains("partition.alpha", error.Message, StringComparison.Ordinal);
        Assert.Contains("faults.dropoutProbability", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SectionInsteadOfLeaf_IsAnUnknownKey()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioOverrides.Apply(Baseline, ["partition=iid"]));

        Assert.Contains("'partition'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clients=many", "clients", "integer")]
    [InlineData("clients=2.5", "clients", "integer")]
    [InlineData("partition.alpha=abc", "partition.alpha", "number")]
    [InlineData("loopback=yes", "loopback", "true or false")]
    [InlineData("training.optimizer=rmsprop", "training.optimizer", "sgd, adam")]
    public void Apply_BadValue_ErrorNamesKeyAndExpectedType(string item, string key, string expected)
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioOverrides.Apply(Baseline, [item]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_NotKeyEqualsValue_IsAnError()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioOverrides.Apply(Baseline, ["clients"]));

        Assert.Contains("key=value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidKeys_CoverEveryLeafProperty()
    {
        var keys = ScenarioOverrides.ValidKeys;

        Assert.Contains("clients", keys);
        Assert.Contains("training.weightDecay", keys);
        Assert.Contains("faults.secondsPerStep", keys);
        Assert.DoesNotContain("partition", keys);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
