using Federated.Shared.Training;
using Federated.Simulations.Scenarios;
using Federated.Tests.Data;

namespace Federated.Tests.Simulations.Scenarios;

public sealed class ScenarioFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string json)
    {
        string path = _temp.File(name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Load_CamelCaseWithCommentsAndTrailingCommas_ReadsValuesAndKeepsDefaults()
    {
        string path = Write("camel.json", """
            // a comment
            {
              "name": "camel",
              "clients": 250, /* block comment */
              "partition": { "kind": "shards", "shardsPerClient": 3, },
              "training": { "learningRate": 0.05, "optimizer": "adam" },
              "faults": { "dropoutProbability": 0.25 },
            }
            """);

        var scenario = ScenarioFile.Load(path);

        Assert.Equal("camel", scenario.Name);
        Assert.Equal(250, scenario.Clients);
        Assert.Equal("shards", scenario.Partition.Kind);
        Assert.Equal(3, scenario.Partition.ShardsPerClient);
        Assert.Equal(0.5, scenario.Partition.Alpha);
        Assert.Equal(0.05, scenario.Training.LearningRate);
        Assert.Equal(OptimizerKind.Adam, scenario.Training.Optimizer);
        Assert.Equal(32, scenario.Training.BatchSize);
        Assert.Equal(0.25, scenario.Faults.DropoutProbability);
        Assert.Equal(10, scenario.ClientsPerRound);
    }

    [Fact]
    public void Load_PascalCaseKeysAndEnumCasing_ReadsTheSameScenario()
    {
        string path = Write("pascal.json", """
            { "Name": "pascal", "ClientsPerRound": 7, "Partition": { "Kind": "iid" }, "Training": { "Optimizer": "SGD", "BatchSize": 64 } }
            """);

        var scenario = ScenarioFile.Load(path);

        Assert.Equal("pascal", scenario.Name);
        Assert.Equal(7, scenario.ClientsPerRound);
        Assert.Equal("iid", scenario.Partition.Kind);
        Assert.Equal(OptimizerKind.Sgd, scenario.Training.Optimizer);
        Assert.Equal(64, scenario.Training.BatchSize);
    }

    [Fact]
    public void Load_UnknownKey_ErrorNamesKeyAndFile()
    {
        string path = Write("typo.json", """{ "clients": 10, "partition": { "alhpa": 0.1 } }""");

        var error = Assert.Throws<ScenarioException>(() => ScenarioFile.Load(path));

        Assert.Contains("alhpa", error.Message, StringComparison.Ordinal);
        Assert.Contains("typo.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongValueType_ErrorNamesJsonPath()
    {
        string path = Write("types.json", """{ "training": { "epochs": "three" } }""");

        var error = Assert.Throws<ScenarioException>(() => ScenarioFile.Load(path));

        Assert.Contains("$.training.epochs", error.Message, StringComparison.Ordinal);
        Assert.Contains("types.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NullSection_IsAnError()
    {
        string path = Write("null.json", """{ "faults": null }""");

        var error = Assert.Throws<ScenarioException>(() => ScenarioFile.Load(path));

        Assert.Contains("faults", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Load_MissingFile_ErrorNamesFile()
    {
        string path = _temp.File("absent.json");

        var error = Assert.Throws<ScenarioException>(() => ScenarioFile.Load(path));

        Assert.Contains("absent.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ThenLoad_GivesAnEqualScenario()
    {
        var scenario = new SimulationScenario
        {
            Name = "saved",
            Clients = 33,
            Partition = new PartitionSpec { Kind = "quantity", Alpha = 0.3 },
            Training = new LocalTraining { Optimizer = OptimizerKind.Adam, LearningRate = 0.001 },
            Faults = new FaultSpec { StragglerFraction = 0.1 },
            Loopback = true,
        };
        string path = _temp.File("saved.json");

        ScenarioFile.Save(scenario, path);

        Assert.Equal(scenario, ScenarioFile.Load(path));
        Assert.Contains("\"clientsPerRound\"", File.ReadAllText(path), StringComparison.Ordinal);
    }
}
