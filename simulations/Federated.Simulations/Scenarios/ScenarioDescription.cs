using System.Globalization;

namespace Federated.Simulations.Scenarios;

/// <summary>A few lines that say what a scenario will run, for the console before a run starts.</summary>
public static class ScenarioDescription
{
    public static string Describe(SimulationScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var p = scenario.Partition;
        string partition = p.Kind.ToLowerInvariant() switch
        {
            "dirichlet" or "quantity" => $"{p.Kind}(alpha {p.Alpha})",
            "shards" => $"shards({p.ShardsPerClient} per client)",
            _ => p.Kind,
        };
        var t = scenario.Training;
        var f = scenario.Faults;
        string faults = f.DropoutProbability == 0 && f.StragglerFraction == 0 && f.UnavailableProbability == 0
            ? "none"
            : $"dropout {f.DropoutProbability}, stragglers {f.StragglerFraction} x{f.StragglerSlowdown}, unavailable {f.UnavailableProbability}";
        return string.Create(CultureInfo.InvariantCulture, $"""
            Scenario   {scenario.Name} (seed {scenario.Seed})
            Data       {scenario.Dataset}{(scenario.TestLimit > 0 ? $", test limit {scenario.TestLimit}" : "")}, partition {partition}
            Federation {scenario.Clients} clients, {scenario.ClientsPerRound} per round, {scenario.Rounds} rounds, strategy {scenario.Strategy.Name}{(scenario.Loopback ? ", loopback gRPC" : "")}
            Training   model {scenario.Model}, {t.Epochs} epoch(s), batch {t.BatchSize}, {t.Optimizer.ToString().ToLowerInvariant()} lr {t.LearningRate} momentum {t.Momentum}
            Faults     {faults}
            Output     {scenario.OutputDirectory}
            """);
    }
}
