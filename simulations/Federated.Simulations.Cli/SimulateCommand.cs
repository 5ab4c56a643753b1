using System.CommandLine;
using System.Globalization;

namespace Federated.Simulations.Cli;

/// <summary>The command line of <c>federated-sim</c>; each convenience option is shorthand for one <c>--set key=value</c>.</summary>
internal static class SimulateCommand
{
    public static RootCommand Create()
    {
        var scenario = new Option<string?>("--scenario", "-s")
        {
            Description = "Scenario JSON file (default: simulations/scenarios/default.json of this repository).",
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a scenario key, e.g. --set partition.alpha=0.1 (repeatable; applied before the options below).",
            AllowMultipleArgumentsPerToken = false,
        };
        var clients = Shorthand<int>("--clients", "clients", "Virtual clients in the federation.");
        var clientsPerRound = Shorthand<int>("--clients-per-round", "clientsPerRound", "Clients selected each round.");
        var rounds = Shorthand<int>("--rounds", "rounds", "Federated rounds.");
        var seed = Shorthand<int>("--seed", "seed", "Seed of partitioning, sampling, initial model and faults.");
        var output = Shorthand<string>("--output", "outputDirectory", "Folder that receives the run folder.");
        var model = Shorthand<string>("--model", "model", "cnn, mlp, logreg or an architecture text.");
        var partition = Shorthand<string>("--partition", "partition.kind", "iid, dirichlet, shards or quantity.");
        var alpha = Shorthand<double>("--alpha", "partition.alpha", "Dirichlet or quantity-skew concentration (small = more skewed).");
        var loopback = Shorthand<bool>("--loopback", "loopback", "Run every virtual client through the real gRPC client over loopback.");
        var shorthands = new[] { clients, clientsPerRound, rounds, seed, output, model, partition, alpha, loopback };

        var root = new RootCommand("Runs a federation of virtual clients on this machine through the real coordinator, with metrics files, a plot and a summary.")
        {
            scenario, set,
        };
        foreach (var (option, _) in shorthands) root.Options.Add(option);

        root.SetAction((result, cancellationToken) =>
        {
            var overrides = new List<string>(result.GetValue(set) ?? []);
            foreach (var (_, toOverride) in shorthands)
            {
                if (toOverride(result) is { } item) overrides.Add(item);
            }
            return SimulationRun.RunAsync(result.GetValue(scenario), overrides, cancellationToken);
        });
        return root;
    }

    /// <summary>An option and the override it stands for when given (null when absent).</summary>
    private static (Option Option, Func<ParseResult, string?> ToOverride) Shorthand<T>(string name, string key, string description)
    {
        var option = new Option<T>(name) { Description = $"{description} Same as --set {key}=VALUE." };
        return (option, result => result.GetResult(option) is null ? null : $"{key}={Format(result.GetValue(option))}");
    }

    private static string Format(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
