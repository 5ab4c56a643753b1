using System.Diagnostics;
using Federated.Coordinator.Options;

namespace Federated.Coordinator.Strategies;

/// <summary>Builds a strategy from its configured name and options; the one way in for configuration.</summary>
public static class StrategyFactory
{
    private static readonly string[] KnownNames =
        ["fedavg", "fedavgm", "fedadagrad", "fedadam", "fedyogi", "fedmedian", "fedtrimmedavg", "krum", "multikrum", "bulyan"];

    /// <summary>Whether the strategy called <paramref name="name"/> needs each update on its own (the robust rules), so cannot run on a secure sum.</summary>
    public static bool NeedsSingleUpdates(string? name) =>
        (name?.ToLowerInvariant() ?? "") is "fedmedian" or "fedtrimmedavg" or "krum" or "multikrum" or "bulyan";

    /// <summary>The strategy names <see cref="Create"/> accepts (case-insensitive).</summary>
    public static IReadOnlyList<string> Names => KnownNames;

    /// <summary>
    /// The strategy called <paramref name="name"/>. Throws <see cref="ArgumentException"/> listing every
    /// problem <see cref="Validate"/> finds.
    /// </summary>
    public static IStrategy Create(string name, StrategyOptions options, FederationOptions federation)
    {
        var errors = Validate(name, options, federation);
        if (errors.Count > 0)
            throw new ArgumentException($"The strategy configuration is invalid: {string.Join(" ", errors)}", nameof(options));
        double? eta = options.ServerLearningRate;
        long spill = options.SpillThresholdBytes;
        int f = options.ByzantineClients;
        return name.ToLowerInvariant() switch
        {
            "fedavg" => new FedAvgStrategy(Microsoft.Extensions.Options.Options.Create(federation)),
            "fedavgm" => new FedAvgMStrategy(federation, eta ?? FedAvgMStrategy.DefaultServerLearningRate, options.ServerMomentum),
            "fedadagrad" => new FedAdagradStrategy(federation, eta ?? FedAdaptiveStrategy.DefaultServerLearningRate, options.Beta1, options.Tau),
            "fedadam" => new FedAdamStrategy(federation, eta ?? FedAdaptiveStrategy.DefaultServerLearningRate, options.Beta1, options.Beta2, options.Tau),
            "fedyogi" => new FedYogiStrategy(federation, eta ?? FedAdaptiveStrategy.DefaultServerLearningRate, options.Beta1, options.Beta2, options.Tau),
            "fedmedian" => new RobustStrategy(federation, "FedMedian", new MedianRule(), spill),
            "fedtrimmedavg" => new RobustStrategy(federation, "FedTrimmedAvg", new TrimmedMeanRule(options.TrimFraction), spill),
            "krum" => new RobustStrategy(federation, "Krum", new KrumRule(f, 1), spill),
            "multikrum" => new RobustStrategy(federation, "MultiKrum", new KrumRule(f, options.KrumSelect), spill),
            "bulyan" => new RobustStrategy(federation, "Bulyan", new BulyanRule(f), spill),
            _ => throw new UnreachableException(),
        };
    }

    /// <summary>Every problem with the configuration, each naming its key; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(string? name, StrategyOptions options, FederationOptions federation)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(federation);
        const string S = StrategyOptions.SectionName;
        var errors = new List<string>();
        void Require(bool condition, string key, object? value, string rule)
        {
            if (!condition) errors.Add($"{key} = '{value}' is invalid: {rule}.");
        }

        string normalized = name?.ToLowerInvariant() ?? "";
        Require(Array.IndexOf(KnownNames, normalized) >= 0, StrategyOptions.NameKey, name, $"must be one of {string.Join(", ", KnownNames)}");
        Require(options.ServerLearningRate is null || (options.ServerLearningRate > 0 && double.IsFinite(options.ServerLearningRate.Value)),
            $"{S}:ServerLearningRate", options.ServerLearningRate, "must be a positive number, or unset for the strategy's default");
        Require(options.ServerMomentum is >= 0 and < 1, $"{S}:ServerMomentum", options.ServerMomentum, "must be in [0, 1)");
        Require(options.Beta1 is >= 0 and < 1, $"{S}:Beta1", options.Beta1, "must be in [0, 1)");
        Require(options.Beta2 is >= 0 and < 1, $"{S}:Beta2", options.Beta2, "must be in [0, 1)");
        Require(options.Tau > 0 && double.IsFinite(options.Tau), $"{S}:Tau", options.Tau, "must be a positive number");
        Require(options.TrimFraction is >= 0 and < 0.5, $"{S}:TrimFraction", options.TrimFraction, "must be in [0, 0.5)");
        Require(options.ByzantineClients >= 0, $"{S}:ByzantineClients", options.ByzantineClients, "must be 0 or more");
        Require(options.KrumSelect is null or >= 1, $"{S}:KrumSelect", options.KrumSelect, "must be at least 1, or unset for n − f");
        Require(options.SpillThresholdBytes >= 0, $"{S}:SpillThresholdBytes", options.SpillThresholdBytes, "must be 0 or more");

        int f = Math.Max(options.ByzantineClients, 0);
        int needed = normalized switch
        {
            "krum" or "multikrum" => 2 * f + 3,
            "bulyan" => 4 * f + 3,
            _ => 0,
        };
        if (needed > 0)
            Require(federation.MinResults >= needed, $"{FederationOptions.SectionName}:MinResults", federation.MinResults,
                $"{normalized} with {S}:ByzantineClients = {f} needs at least {needed} updates per round ({(normalized == "bulyan" ? "n ≥ 4f + 3" : "n ≥ 2f + 3")})");
        return errors;
    }
}
