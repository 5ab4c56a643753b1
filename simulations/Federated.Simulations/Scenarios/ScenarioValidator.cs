using System.Globalization;

namespace Federated.Simulations.Scenarios;

/// <summary>Checks a scenario before a run; every error names the dotted key at fault, as overrides spell it.</summary>
public static class ScenarioValidator
{
    /// <summary>Partition kinds the simulator knows.</summary>
    public static IReadOnlyList<string> PartitionKinds { get; } = ["iid", "dirichlet", "shards", "quantity"];

    /// <summary>Server strategies the simulator knows.</summary>
    public static IReadOnlyList<string> Strategies => Federated.Coordinator.Strategies.StrategyFactory.Names;

    /// <summary>All errors of <paramref name="scenario"/>; empty when it can run.</summary>
    public static IReadOnlyList<string> Validate(SimulationScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var errors = new List<string>();
        void Check(bool ok, string key, string rule, object value)
        {
            if (!ok) errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key} must be {rule} (got {value})."));
        }

        Check(!string.IsNullOrWhiteSpace(scenario.Name) && scenario.Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0,
            "name", "a non-empty name usable as a folder name", Quote(scenario.Name));
        Check(!string.IsNullOrWhiteSpace(scenario.Dataset), "dataset", "fashion-mnist or a .csv path", Quote(scenario.Dataset));
        Check(!string.IsNullOrWhiteSpace(scenario.Model), "model", "cnn, mlp, logreg or an architecture text", Quote(scenario.Model));
        Check(scenario.TestLimit >= 0, "testLimit", ">= 0 (0 = all)", scenario.TestLimit);
        Check(scenario.Clients >= 1, "clients", ">= 1", scenario.Clients);
        Check(scenario.ClientsPerRound >= 1 && scenario.ClientsPerRound <= Math.Max(1, scenario.Clients),
            "clientsPerRound", $"in [1, clients = {scenario.Clients}]", scenario.ClientsPerRound);
        Check(scenario.Rounds >= 1, "rounds", ">= 1", scenario.Rounds);
        Check(scenario.MinResults >= 0 && scenario.MinResults <= scenario.ClientsPerRound,
            "minResults", $"in [0, clientsPerRound = {scenario.ClientsPerRound}] (0 = half of clientsPerRound)", scenario.MinResults);
        Check(scenario.RoundTimeoutSeconds > 0 && double.IsFinite(scenario.RoundTimeoutSeconds),
            "roundTimeoutSeconds", "> 0", scenario.RoundTimeoutSeconds);
        Check(scenario.Workers >= 0, "workers", ">= 0 (0 = one per core)", scenario.Workers);
        Check(!string.IsNullOrWhiteSpace(scenario.OutputDirectory), "outputDirectory", "a folder path", Quote(scenario.OutputDirectory));

        var partition = scenario.Partition;
        Check(PartitionKinds.Contains(partition.Kind, StringComparer.OrdinalIgnoreCase),
            "partition.kind", $"one of {string.Join(", ", PartitionKinds)}", Quote(partition.Kind));
        Check(partition.Alpha > 0 && double.IsFinite(partition.Alpha), "partition.alpha", "> 0", partition.Alpha);
        Check(partition.ShardsPerClient >= 1, "partition.shardsPerClient", ">= 1", partition.ShardsPerClient);
        Check(partition.MinExamplesPerClient >= 0, "partition.minExamplesPerClient", ">= 0", partition.MinExamplesPerClient);

        Check(Strategies.Contains(scenario.Strategy.Name, StringComparer.OrdinalIgnoreCase),
            "strategy.name", $"one of {string.Join(", ", Strategies)}", Quote(scenario.Strategy.Name));

        var training = scenario.Training;
        Check(training.Epochs >= 1, "training.epochs", ">= 1", training.Epochs);
        Check(training.BatchSize >= 1, "training.batchSize", ">= 1", training.BatchSize);
        Check(training.LearningRate > 0 && double.IsFinite(training.LearningRate), "training.learningRate", "> 0", training.LearningRate);
        Check(Enum.IsDefined(training.Optimizer), "training.optimizer", "sgd or adam", training.Optimizer);
        Check(training.Momentum >= 0 && training.Momentum < 1, "training.momentum", "in [0, 1)", training.Momentum);
        Check(training.WeightDecay >= 0 && double.IsFinite(training.WeightDecay), "training.weightDecay", ">= 0", training.WeightDecay);
        Check(training.ProximalMu >= 0 && double.IsFinite(training.ProximalMu), "training.proximalMu", ">= 0", training.ProximalMu);

        foreach (var (key, value) in new[] { ("modelCodec", scenario.ModelCodec), ("updateCodec", scenario.UpdateCodec) })
        {
            if (!Enum.TryParse<Federated.Shared.Codecs.CodecKind>(value, ignoreCase: true, out _))
                errors.Add($"{key}: {Quote(value)} is not one of fp32, fp16, int8, int8stochastic.");
        }

        var faults = scenario.Faults;
        CheckProbability(faults.DropoutProbability, "faults.dropoutProbability");
        CheckProbability(faults.StragglerFraction, "faults.stragglerFraction");
        CheckProbability(faults.UnavailableProbability, "faults.unavailableProbability");
        Check(faults.StragglerSlowdown >= 1 && double.IsFinite(faults.StragglerSlowdown), "faults.stragglerSlowdown", ">= 1", faults.StragglerSlowdown);
        Check(faults.SecondsPerStep >= 0 && double.IsFinite(faults.SecondsPerStep), "faults.secondsPerStep", ">= 0", faults.SecondsPerStep);
        CheckProbability(faults.ByzantineFraction, "faults.byzantineFraction");
        if (!ByzantineAttacks.Contains(faults.ByzantineAttack, StringComparer.OrdinalIgnoreCase))
            errors.Add($"faults.byzantineAttack: {Quote(faults.ByzantineAttack)} is not one of {string.Join(", ", ByzantineAttacks)}.");
        Check(faults.ByzantineScale > 0 && double.IsFinite(faults.ByzantineScale), "faults.byzantineScale", "> 0", faults.ByzantineScale);
        CheckProbability(faults.SecureDropoutProbability, "faults.secureDropoutProbability");
        var secure = scenario.SecureAggregation;
        if (secure.Enabled)
        {
            Check(secure.NeighbourDegree == 0 || (secure.NeighbourDegree >= 2 && secure.NeighbourDegree % 2 == 0), "secureAggregation.neighbourDegree", "0 (recommended) or an even number >= 2", secure.NeighbourDegree);
            Check(secure.ExpectedDropout is >= 0 and < 1, "secureAggregation.expectedDropout", "in [0, 1)", secure.ExpectedDropout);
            Check(secure.ThresholdFraction is >= 0 and <= 1, "secureAggregation.thresholdFraction", "0 (default) or in (0, 1]", secure.ThresholdFraction);
            Check(secure.ClipRange > 0 && double.IsFinite(secure.ClipRange), "secureAggregation.clipRange", "> 0", secure.ClipRange);
            Check(secure.BitWidth is >= 8 and <= 32, "secureAggregation.bitWidth", "between 8 and 32", secure.BitWidth);
            Check(secure.MaxExampleWeight >= 1 && double.IsFinite(secure.MaxExampleWeight), "secureAggregation.maxExampleWeight", ">= 1", secure.MaxExampleWeight);
            Check(secure.PhaseTimeoutSeconds > 0 && double.IsFinite(secure.PhaseTimeoutSeconds), "secureAggregation.phaseTimeoutSeconds", "> 0", secure.PhaseTimeoutSeconds);
            Check(scenario.ClientsPerRound >= 3, "clientsPerRound", ">= 3 with secure aggregation", scenario.ClientsPerRound);
            Check(!Federated.Coordinator.Strategies.StrategyFactory.NeedsSingleUpdates(scenario.Strategy.Name), "strategy.name",
                "a FedAvg-family strategy with secure aggregation (robust strategies must see single updates)", Quote(scenario.Strategy.Name));
        }
        errors.AddRange(PrivacyScenarioValidator.Validate(scenario));
        return errors;

        void CheckProbability(double value, string key) => Check(value is >= 0 and <= 1, key, "a probability in [0, 1]", value);
    }

    /// <summary>The attacks a Byzantine virtual client can mount.</summary>
    public static IReadOnlyList<string> ByzantineAttacks { get; } = ["signflip", "scaled", "noise"];

    private static string Quote(string? text) => text is null ? "null" : $"'{text}'";
}
