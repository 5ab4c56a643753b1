using System.Globalization;

namespace Federated.Trust.Policy;

/// <summary>
/// A site's own rules for what may run on its data, enforced by its client before any training
/// (NVFlare's site-side filters in spirit: a job cannot remove them). Loaded from a JSON file with
/// <see cref="SitePolicyFile"/>; every rule left out allows anything.
/// </summary>
public sealed class SitePolicy
{
    /// <summary>Canonical architecture texts that may train here; empty allows every architecture.</summary>
    public IReadOnlyList<string> AllowedArchitectures { get; init; } = [];

    /// <summary>Highest round number this site takes part in (0 = no limit).</summary>
    public long MaxRounds { get; init; }

    /// <summary>Most local epochs one task may ask for (0 = no limit).</summary>
    public int MaxLocalEpochs { get; init; }

    /// <summary>Only send updates that are securely aggregated (masked), never one in the clear.</summary>
    public bool RequireSecureAggregation { get; init; }

    /// <summary>Only train when the task adds differential-privacy noise (local, central or distributed).</summary>
    public bool RequireDifferentialPrivacy { get; init; }

    /// <summary>Smallest noise multiplier a DP task may carry (0 = any); implies nothing unless the task has DP or <see cref="RequireDifferentialPrivacy"/> is set.</summary>
    public double MinNoiseMultiplier { get; init; }

    /// <summary>Why this site refuses <paramref name="task"/> (naming the rule), or null when it may run.</summary>
    public string? Check(TaskFacts task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (AllowedArchitectures.Count > 0 && !AllowedArchitectures.Contains(task.Architecture, StringComparer.Ordinal))
            return $"site policy AllowedArchitectures does not allow the architecture '{Shorten(task.Architecture)}'";
        if (MaxRounds > 0 && task.Round > MaxRounds)
            return Invariant($"site policy MaxRounds is {MaxRounds}; task {task.TaskId} is for round {task.Round}");
        if (!task.IsTraining) return null;
        if (MaxLocalEpochs > 0 && task.LocalEpochs > MaxLocalEpochs)
            return Invariant($"site policy MaxLocalEpochs is {MaxLocalEpochs}; the task asks for {task.LocalEpochs}");
        if (RequireSecureAggregation && !task.SecureAggregation)
            return "site policy RequireSecureAggregation is set; the task's update would not be securely aggregated";
        if (RequireDifferentialPrivacy && task.Privacy == TaskPrivacy.None)
            return "site policy RequireDifferentialPrivacy is set; the task asks for no differential privacy";
        if (MinNoiseMultiplier > 0 && (RequireDifferentialPrivacy || task.Privacy != TaskPrivacy.None) && task.NoiseMultiplier < MinNoiseMultiplier)
            return Invariant($"site policy MinNoiseMultiplier is {MinNoiseMultiplier}; the task's noise multiplier is {task.NoiseMultiplier}");
        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
