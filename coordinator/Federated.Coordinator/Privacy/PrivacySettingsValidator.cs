using Federated.Coordinator.Options;

namespace Federated.Coordinator.Privacy;

/// <summary>Checks <c>Federation:Privacy</c> against itself and the settings it must agree with; every failure names its keys.</summary>
internal static class PrivacySettingsValidator
{
    public static IEnumerable<string> Validate(FederationOptions options)
    {
        var p = options.Privacy;
        const string P = "Federation:Privacy:";
        if (!Enum.IsDefined(p.Mode))
        {
            yield return $"{P}Mode = '{p.Mode}' is invalid: must be None, Local, Central or Distributed.";
            yield break;
        }
        if (p.Mode == PrivacyMode.None) yield break;
        if (!(p.NoiseMultiplier >= 0) || !double.IsFinite(p.NoiseMultiplier))
            yield return $"{P}NoiseMultiplier = '{p.NoiseMultiplier}' is invalid: must be a finite number >= 0.";
        if (!(p.ClipNorm > 0) || !double.IsFinite(p.ClipNorm))
            yield return $"{P}ClipNorm = '{p.ClipNorm}' is invalid: must be a positive number.";
        if (!(p.Delta is > 0 and < 1))
            yield return $"{P}Delta = '{p.Delta}' is invalid: must be in (0, 1).";
        if (options.Mode == FederationMode.FedBuff)
            yield return $"{P}Mode = '{p.Mode}' cannot run with Federation:Mode = FedBuff: the accountant counts synchronous rounds.";
        if (p.Mode == PrivacyMode.Central && options.SecureAggregation.Enabled)
            yield return $"{P}Mode = 'Central' cannot run with Federation:SecureAggregation:Enabled = true: the coordinator must see single updates to clip them; use {P}Mode = Distributed.";
        if (p.Mode == PrivacyMode.Distributed && !options.SecureAggregation.Enabled)
            yield return $"{P}Mode = 'Distributed' needs Federation:SecureAggregation:Enabled = true: each update carries only a share of the noise, so only their masked sum may be seen.";
        if (p.Mode is PrivacyMode.Central or PrivacyMode.Distributed && Strategies.StrategyFactory.NeedsSingleUpdates(options.Strategy.Name))
            yield return $"Federation:Strategy:Name = '{options.Strategy.Name}' cannot run with {P}Mode = {p.Mode}: DP-FedAvg hands the strategy one noised mean, and a robust strategy needs single updates.";
        if (!p.AdaptiveClipping) yield break;
        if (p.Mode != PrivacyMode.Central)
            yield return $"{P}AdaptiveClipping = true needs {P}Mode = Central: only there does the coordinator see the norms it counts.";
        if (!(p.TargetQuantile is >= 0 and <= 1))
            yield return $"{P}TargetQuantile = '{p.TargetQuantile}' is invalid: must be in [0, 1].";
        if (!(p.ClipLearningRate > 0) || !double.IsFinite(p.ClipLearningRate))
            yield return $"{P}ClipLearningRate = '{p.ClipLearningRate}' is invalid: must be a positive number.";
        double countNoise = FederationPrivacy.CountNoiseOf(p, options.ClientsPerRound);
        if (!(countNoise > p.NoiseMultiplier / 2) || !double.IsFinite(countNoise))
            yield return $"{P}ClipCountNoise = '{countNoise}' is invalid: must exceed half of {P}NoiseMultiplier ({p.NoiseMultiplier / 2}), or the count would spend the whole budget.";
    }
}
