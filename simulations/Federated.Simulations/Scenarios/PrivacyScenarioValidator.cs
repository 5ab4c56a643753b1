namespace Federated.Simulations.Scenarios;

/// <summary>Checks a scenario's <c>privacy</c> settings; each error names its key.</summary>
internal static class PrivacyScenarioValidator
{
    /// <summary>The modes a scenario may name.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["none", "local", "central", "distributed"];

    public static IEnumerable<string> Validate(SimulationScenario scenario)
    {
        var p = scenario.Privacy;
        string mode = p.Mode.ToLowerInvariant();
        if (!Modes.Contains(mode))
        {
            yield return $"privacy.mode: '{p.Mode}' is not one of {string.Join(", ", Modes)}.";
            yield break;
        }
        if (mode == "none") yield break;
        if (!(p.NoiseMultiplier >= 0) || !double.IsFinite(p.NoiseMultiplier))
            yield return $"privacy.noiseMultiplier: must be >= 0 (got {p.NoiseMultiplier}).";
        if (!(p.ClipNorm > 0) || !double.IsFinite(p.ClipNorm))
            yield return $"privacy.clipNorm: must be > 0 (got {p.ClipNorm}).";
        if (!(p.Delta is > 0 and < 1))
            yield return $"privacy.delta: must be in (0, 1) (got {p.Delta}).";
        if (mode == "distributed" && !scenario.SecureAggregation.Enabled)
            yield return "privacy.mode: 'distributed' needs secureAggregation.enabled = true (only the masked sum carries the full noise).";
        if (mode == "central" && scenario.SecureAggregation.Enabled)
            yield return "privacy.mode: 'central' cannot run with secureAggregation.enabled = true (the coordinator must clip single updates); use 'distributed'.";
        if (mode is "central" or "distributed" && Federated.Coordinator.Strategies.StrategyFactory.NeedsSingleUpdates(scenario.Strategy.Name))
            yield return $"strategy.name: '{scenario.Strategy.Name}' is a robust strategy; privacy.mode '{mode}' hands it one noised mean.";
        if (p.AdaptiveClipping && mode != "central")
            yield return "privacy.adaptiveClipping: needs privacy.mode = 'central'.";
        if (p.AdaptiveClipping && !(p.TargetQuantile is >= 0 and <= 1))
            yield return $"privacy.targetQuantile: must be in [0, 1] (got {p.TargetQuantile}).";
        if (p.AdaptiveClipping && !(p.ClipLearningRate > 0))
            yield return $"privacy.clipLearningRate: must be > 0 (got {p.ClipLearningRate}).";
        if (!(p.ClipCountNoise >= 0) || !double.IsFinite(p.ClipCountNoise))
            yield return $"privacy.clipCountNoise: must be >= 0, 0 for clients per round / 20 (got {p.ClipCountNoise}).";
    }
}
