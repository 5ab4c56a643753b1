using Federated.Shared.Data;
using Federated.Shared.Models;
using Federated.Simulations.Scenarios;

namespace Federated.Simulations.Engine;

/// <summary>The training and test sets a scenario names, and the model that fits them.</summary>
internal sealed record SimulationData(LabeledDataset Train, LabeledDataset Test, string Description)
{
    public static SimulationData Load(SimulationScenario scenario)
    {
        SimulationData data;
        if (scenario.Dataset.Equals("fashion-mnist", StringComparison.OrdinalIgnoreCase))
        {
            // The Debian files when installed, else the subset shipped in the repository; the description says which.
            var source = FashionMnistLocator.Resolve();
            data = new SimulationData(source.Load(FashionMnistSplit.Train), source.Load(FashionMnistSplit.Test), source.Description);
        }
        else if (scenario.Dataset.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            // A CSV is one table: hold out a seeded fifth of it as the test set.
            var table = CsvDatasetReader.Read(scenario.Dataset, scenario.LabelColumn).Data;
            var (train, test) = DatasetSharding.Split(table, 0.2, scenario.Seed);
            data = new SimulationData(train, test, $"{Path.GetFileName(scenario.Dataset)} ({train.Count:N0} training / {test.Count:N0} test rows)");
        }
        else
        {
            throw new ArgumentException($"dataset = '{scenario.Dataset}' is not 'fashion-mnist' or a path to a .csv file.", nameof(scenario));
        }
        return scenario.TestLimit > 0 && scenario.TestLimit < data.Test.Count
            ? data with { Test = data.Test.Take(scenario.TestLimit), Description = $"{data.Description}; first {scenario.TestLimit:N0} test examples" }
            : data;
    }

    /// <summary><c>logreg</c> and <c>mlp</c> are sized to the data; other names and texts come from the zoo.</summary>
    public ModelArchitecture ResolveModel(string model)
    {
        var architecture = model.Trim().ToLowerInvariant() switch
        {
            "logreg" => ModelZoo.LogisticRegression(Train.FeaturesPerExample, Train.ClassCount),
            "mlp" => ModelZoo.Mlp(Train.FeaturesPerExample, Train.ClassCount),
            _ => ModelZoo.Resolve(model),
        };
        if (architecture.InputLength != Train.FeaturesPerExample)
            throw new ArgumentException($"model = '{model}' takes {architecture.InputLength} inputs per example but the data has {Train.FeaturesPerExample}.", nameof(model));
        if (architecture.OutputCount < Train.ClassCount)
            throw new ArgumentException($"model = '{model}' has {architecture.OutputCount} outputs but the data has {Train.ClassCount} classes.", nameof(model));
        return architecture;
    }
}
