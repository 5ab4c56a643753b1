using Federated.Simulations.Scenarios;

namespace Federated.Tests.Simulations.Scenarios;

public sealed class ShippedScenarioTests
{
    private static string ScenarioPath(string file) =>
        Path.Combine(ScenarioLocator.FindScenariosDirectory(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("simulations/scenarios not found above the test output folder."), file);

    [Theory]
    [InlineData("default.json")]
    [InlineData("quick.json")]
    [InlineData("faults.json")]
    [InlineData("private.json")]
    public void ShippedScenario_LoadsAndValidates(string file)
    {
        var scenario = ScenarioFile.Load(ScenarioPath(file));

        Assert.Empty(ScenarioValidator.Validate(scenario));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), scenario.Name);
    }

    [Fact]
    public void DefaultScenario_IsTheReadmeFederation()
    {
        var scenario = ScenarioFile.Load(ScenarioLocator.FindDefaultScenario());

        Assert.Equal("fashion-mnist", scenario.Dataset);
        Assert.Equal(100, scenario.Clients);
        Assert.Equal(10, scenario.ClientsPerRound);
        Assert.Equal("dirichlet", scenario.Partition.Kind);
        Assert.Equal(0.5, scenario.Partition.Alpha);
        Assert.Equal("cnn", scenario.Model);
        Assert.Equal(5, scenario.Rounds);
        Assert.Equal(1, scenario.Training.Epochs);
        Assert.Equal(32, scenario.Training.BatchSize);
        Assert.Equal(0.01, scenario.Training.LearningRate);
        Assert.Equal(0.9, scenario.Training.Momentum);
        Assert.Equal(42, scenario.Seed);
        Assert.Equal("runs", scenario.OutputDirectory);
    }

    [Fact]
    public void QuickAndFaultScenarios_HaveTheirSettings()
    {
        var quick = ScenarioFile.Load(ScenarioPath("quick.json"));
        var faults = ScenarioFile.Load(ScenarioPath("faults.json"));

        Assert.Equal(("mlp", 20, 5, 3, "iid", 2000), (quick.Model, quick.Clients, quick.ClientsPerRound, quick.Rounds, quick.Partition.Kind, quick.TestLimit));
        Assert.Equal(0.2, faults.Faults.DropoutProbability);
        Assert.Equal(0.2, faults.Faults.StragglerFraction);
        Assert.Equal(10, faults.Faults.StragglerSlowdown);
        Assert.Equal(0.1, faults.Faults.UnavailableProbability);
    }

    [Fact]
    public void Describe_NamesTheMainSettings()
    {
        string text = ScenarioDescription.Describe(ScenarioFile.Load(ScenarioPath("faults.json")));

        Assert.Contains("100 clients, 10 per round, 5 rounds", text, StringComparison.Ordinal);
        Assert.Contains("dirichlet(alpha 0.5)", text, StringComparison.Ordinal);
        Assert.Contains("dropout 0.2", text, StringComparison.Ordinal);
    }
}
