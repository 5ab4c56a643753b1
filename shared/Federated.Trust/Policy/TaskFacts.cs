namespace Federated.Trust.Policy;

/// <summary>How a task asks a site to protect its update (mirrors the wire's PrivacyMode).</summary>
public enum TaskPrivacy
{
    None,
    Local,
    Central,
    Distributed,
}

/// <summary>What a site's policy judges about a task, taken from the task before any training.</summary>
/// <param name="Architecture">The model architecture's canonical text.</param>
/// <param name="IsTraining">A fit task (false: an evaluation, which trains nothing and sends no update).</param>
/// <param name="LocalEpochs">Local epochs the task asks for (fit tasks).</param>
/// <param name="SecureAggregation">Whether the update is securely aggregated (masked).</param>
/// <param name="NoiseMultiplier">The noise multiplier the federation accounts for the aggregate.</param>
public sealed record TaskFacts(
    string TaskId,
    long Round,
    string Architecture,
    bool IsTraining,
    int LocalEpochs,
    bool SecureAggregation,
    TaskPrivacy Privacy,
    double NoiseMultiplier);
