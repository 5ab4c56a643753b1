using Federated.Shared.Codecs;
using Federated.Trust.Audit;
using Federated.Trust.Bundles;
using Federated.Trust.Policy;

namespace Federated.Client;

public sealed class FederatedClientOptions
{
    /// <summary>Shown in the coordinator's logs and registry.</summary>
    public string Name { get; set; } = Environment.MachineName;

    /// <summary>Where downloaded models are kept by content hash.</summary>
    public string CacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "federated-model-cache");

    /// <summary>How long one task poll may wait at the coordinator.</summary>
    public TimeSpan PollWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>First wait after the coordinator could not be reached; doubles per failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Consecutive failed attempts after which the client gives up (0 = never).</summary>
    public int MaxAttempts { get; set; }

    /// <summary>
    /// Codecs this client accepts for models and uses for updates when the coordinator prefers them
    /// (FP32 always works). The SDK decodes and encodes all of them.
    /// </summary>
    public IList<CodecKind> Codecs { get; } = [CodecKind.Fp16, CodecKind.Int8, CodecKind.Int8Stochastic];

    /// <summary>
    /// Send only this fraction of each update's entries, the largest in magnitude, and carry the
    /// rest over to the next round (top-k with error feedback). 0 sends whole updates. The carried
    /// residual costs one model's worth of memory per client.
    /// </summary>
    public double TopKFraction { get; set; }

    /// <summary>
    /// Takes part in secure aggregation when a task requires it (Federated.Client.SecureAggregation's
    /// participant); without one such tasks are reported as failed.
    /// </summary>
    public ISecureAggregationParticipant? SecureAggregation { get; set; }

    /// <summary>
    /// The site's certificate, key and federation CA. With them the client joins under its
    /// certificate's identity, refuses any model whose coordinator signature does not verify, and
    /// signs its updates. Without them (plain-text development) nothing is signed or checked.
    /// </summary>
    public FederationCredentials? Credentials { get; set; }

    /// <summary>The site's own rules (Trust.SitePolicyLoader.Load reads a policy file); a task that breaks one is refused and reported as a policy refusal.</summary>
    public SitePolicy? SitePolicy { get; set; }

    /// <summary>The site's hash-chained audit log (tasks, model checks, update digests, answers); the caller opens and disposes it.</summary>
    public AuditLog? AuditLog { get; set; }

    /// <summary>
    /// Seeds the differential-privacy noise this client adds, for reproducible simulations only; null (the
    /// default) draws it from the operating system's cryptographic generator.
    /// </summary>
    public long? PrivacyNoiseSeed { get; set; }

    /// <summary>Facts sent at join (device, dataset size, …).</summary>
    public IDictionary<string, string> Properties { get; } = new Dictionary<string, string>();
}
