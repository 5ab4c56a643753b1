using System.Collections.Concurrent;
using System.Globalization;
using Federated.Protocol;
using Federated.Shared.Codecs;
using Federated.Trust.Audit;
using Federated.Trust.Cms;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Federated.Trust.Policy;
using Federated.Trust.Statements;
using Google.Protobuf;

namespace Federated.Client.Trust;

/// <summary>
/// A client's trust steps around each task, in the order the task loop calls them: the site policy
/// judges the task before anything is downloaded or trained; the coordinator's signature on the
/// model is verified against the federation CA before the model is used; the update is signed with
/// the site's certificate; and every step lands in the site's audit log. Each step is off when its
/// option (<see cref="FederatedClientOptions.SitePolicy"/>, <see cref="FederatedClientOptions.Credentials"/>,
/// <see cref="FederatedClientOptions.AuditLog"/>) is not set.
/// </summary>
internal sealed class ClientTrust
{
    private readonly FederationCredentials? _credentials;
    private readonly SitePolicy? _policy;
    private readonly AuditLog? _audit;

    // SHA-256 of the bytes each model download delivered, so a model taken from the cache is checked
    // against the bytes it was decoded from. Only the latest few are kept: models change every round.
    private readonly ConcurrentDictionary<(string Hash, Codec Codec), string> _served = new();
    private const int MaxServed = 16;

    private ClientTrust(FederationCredentials? credentials, SitePolicy? policy, AuditLog? audit)
    {
        _credentials = credentials;
        _policy = policy;
        _audit = audit;
    }

    /// <summary>The trust steps <paramref name="options"/> ask for, or null when they ask for none.</summary>
    public static ClientTrust? From(FederatedClientOptions options) =>
        options.Credentials is null && options.SitePolicy is null && options.AuditLog is null
            ? null
            : new ClientTrust(options.Credentials, options.SitePolicy, options.AuditLog);

    /// <summary>The identity of the site's certificate: the client id to ask for when joining.</summary>
    public string? Identity => _credentials?.Identity;

    public void Joined(string coordinator, string clientId) =>
        _audit?.Append("join", ("coordinator", coordinator), ("client", clientId), ("certificate-sha256", _credentials?.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)));

    /// <summary>Throws <see cref="SitePolicyRefusedException"/> when the site policy refuses <paramref name="task"/>.</summary>
    public void CheckPolicy(TaskSpec task)
    {
        _audit?.Append("task-received", ("task", task.TaskId), ("round", Text(task.Round)), ("kind", task.Kind.ToString()),
            ("model-hash", task.ModelHash), ("model-codec", task.ModelCodec.ToString()));
        if (_policy?.Check(FactsOf(task)) is not { } refusal) return;
        _audit?.Append("policy-refusal", ("task", task.TaskId), ("round", Text(task.Round)), ("reason", refusal));
        throw new SitePolicyRefusedException(refusal);
    }

    /// <summary>Remembers what a model download delivered.</summary>
    public void Downloaded(string contentHash, Codec codec, ReadOnlySpan<byte> bytes)
    {
        if (_credentials is null) return;
        if (_served.Count >= MaxServed) _served.Clear();
        _served[(contentHash.ToLowerInvariant(), codec)] = StatementDigest.Sha256Hex(bytes);
    }

    /// <summary>
    /// Verifies the coordinator's signature over the task's model statement; throws
    /// <see cref="ModelSignatureException"/> when it is missing or does not verify. A model this
    /// client holds without having downloaded it in this run (a cache from an earlier run) is
    /// downloaded again through <paramref name="download"/>, so the signature covers what is used.
    /// </summary>
    public async Task VerifyModelAsync(TaskSpec task, Func<CancellationToken, Task<byte[]>> download, CancellationToken cancellationToken)
    {
        if (_credentials is null) return;
        string? reason;
        if (task.ModelSignature.IsEmpty)
            reason = "the task's model is not signed by the coordinator";
        else
        {
            var key = (task.ModelHash.ToLowerInvariant(), task.ModelCodec);
            if (!_served.TryGetValue(key, out string? digest))
            {
                byte[] bytes = await download(cancellationToken).ConfigureAwait(false);
                digest = StatementDigest.Sha256Hex(bytes);
            }
            var statement = new ModelStatement(task.ModelHash, ((CodecKind)task.ModelCodec).ToString(), digest, task.Round);
            var check = CmsSignature.Verify(statement.ToCanonicalBytes(), task.ModelSignature.Span, _credentials.Trust, FederationRole.Coordinator);
            reason = check.Valid ? null : $"the model's signature does not verify: {check.Reason}";
        }
        _audit?.Append(reason is null ? "model-verified" : "model-rejected", ("task", task.TaskId), ("round", Text(task.Round)),
            ("model-hash", task.ModelHash), ("reason", reason));
        if (reason is not null) throw new ModelSignatureException($"Model {task.ModelHash} of task {task.TaskId} refused: {reason}.");
    }

    /// <summary>Signs the update in <paramref name="payload"/> into <paramref name="header"/> and records its digest.</summary>
    public void SignUpdate(ResultHeader header, long round, ReadOnlySpan<byte> payload)
    {
        string digest = StatementDigest.Sha256Hex(payload);
        if (_credentials is not null)
        {
            var statement = new UpdateStatement(header.ClientId, header.TaskId, round, ((CodecKind)header.Codec).ToString(), digest);
            header.Signature = ByteString.CopyFrom(CmsSignature.Sign(statement.ToCanonicalBytes(), _credentials.Certificate));
        }
        _audit?.Append("update-sent", ("task", header.TaskId), ("round", Text(round)), ("update-sha256", digest),
            ("codec", header.Codec.ToString()), ("signed", header.Signature.IsEmpty ? "false" : "true"));
    }

    /// <summary>Records what the coordinator answered to a result (or a refusal) of this site.</summary>
    public void Answered(ResultHeader header, UploadReply reply) =>
        _audit?.Append(reply.Accepted ? "result-accepted" : "result-refused", ("task", header.TaskId),
            ("error", header.Error.Length > 0 ? header.Error : null), ("reason", reply.Reason.Length > 0 ? reply.Reason : null));

    private static TaskFacts FactsOf(TaskSpec task) => new(
        task.TaskId,
        task.Round,
        task.Architecture,
        task.Kind == Protocol.TaskKind.Fit,
        task.Train?.Epochs ?? new Shared.Training.TrainingConfig().Epochs,
        !task.SecureAggregation.IsEmpty,
        task.Privacy?.Mode switch
        {
            PrivacyMode.Local => TaskPrivacy.Local,
            PrivacyMode.Central => TaskPrivacy.Central,
            PrivacyMode.Distributed => TaskPrivacy.Distributed,
            _ => TaskPrivacy.None,
        },
        task.Privacy?.NoiseMultiplier ?? 0);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
