using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Federated.Coordinator.Rounds;
using Federated.Coordinator.Transport;
using Federated.Shared.Codecs;
using Federated.Trust.Cms;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Federated.Trust.Statements;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Security;

/// <summary>
/// The coordinator's side of signed payloads: it signs the model statement of every task it hands
/// out (<see cref="ModelStatement"/>) with its own certificate, and checks the signature on every
/// update (<see cref="UpdateStatement"/>) against the federation CA. Without credentials (plain-text
/// development mode, simulations) it signs nothing and checks nothing.
/// </summary>
public sealed class SigningService
{
    // A signature per model, codec and round: a round's tasks share one, so signing costs a few
    // CMS operations per round, not one per client. Global models fetched for deployment are kept
    // under the negated round, apart from the tasks' signatures.
    private readonly ConcurrentDictionary<(string Hash, CodecKind Codec, long Round), byte[]> _signatures = new();
    private const int MaxCachedSignatures = 64;

    private readonly X509Certificate2? _certificate;
    private readonly FederationTrust? _trust;
    private readonly bool _requireSigned;
    private readonly TimeProvider _time;

    public SigningService(IOptions<SigningOptions> options, TimeProvider time, FederationCredentials? credentials = null, FederationTrust? trust = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _certificate = credentials?.Certificate;
        _trust = credentials?.Trust ?? trust;
        _requireSigned = options.Value.RequireSignedUpdates;
        _time = time;
    }

    /// <summary>Whether distributed models are signed.</summary>
    public bool SignsModels => _certificate is not null;

    /// <summary>Whether updates are checked against the federation CA.</summary>
    public bool ChecksUpdates => _trust is not null;

    /// <summary>
    /// <paramref name="task"/> with its model signature, or as it is when this coordinator does not
    /// sign. <paramref name="servedBytes"/> yields the bytes downloads of the task's model get for
    /// its codec; it is only called when no signature for them is cached.
    /// </summary>
    public async ValueTask<TaskAssignment> SignAsync(TaskAssignment task, Func<CancellationToken, Task<byte[]?>> servedBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(servedBytes);
        if (_certificate is null) return task;
        var key = (task.ModelHash.ToLowerInvariant(), task.ModelCodec, task.Round);
        if (!_signatures.TryGetValue(key, out byte[]? signature))
        {
            byte[] bytes = await servedBytes(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Model {task.ModelHash} of task {task.TaskId} is neither served nor stored, so it cannot be signed.");
            var statement = ModelStatement.For(task.ModelHash, task.ModelCodec.ToString(), bytes, task.Round);
            signature = CmsSignature.Sign(statement.ToCanonicalBytes(), _certificate, _time);
            if (_signatures.Count >= MaxCachedSignatures) _signatures.Clear();
            _signatures[key] = signature;
        }
        return task with { ModelSignature = signature };
    }

    /// <summary>
    /// The signature over a finished round's global model as FetchGlobalModel serves it (the model
    /// file, codec FP32, the round that produced it), or null when this coordinator does not sign.
    /// Deployment tools verify it before they export or run the model.
    /// </summary>
    public byte[]? SignGlobalModel(string contentHash, ReadOnlySpan<byte> modelFile, long round)
    {
        if (_certificate is null) return null;
        var key = (contentHash.ToLowerInvariant(), CodecKind.Fp32, -round);
        if (_signatures.TryGetValue(key, out byte[]? cached)) return cached;
        var statement = ModelStatement.For(contentHash, CodecKind.Fp32.ToString(), modelFile, round);
        byte[] signature = CmsSignature.Sign(statement.ToCanonicalBytes(), _certificate, _time);
        if (_signatures.Count >= MaxCachedSignatures) _signatures.Clear();
        _signatures[key] = signature;
        return signature;
    }

    /// <summary>
    /// Why the update in <paramref name="result"/> is refused on signature grounds, or null. The
    /// signature must verify over the update statement for this client, task, round, codec and
    /// payload digest (so tampered payloads and signatures replayed from another task or round
    /// fail), be made by a site certificate of this federation that is not revoked, whose identity
    /// is the submitting client (who holds the task: the claim checked that), and, when the
    /// connection was authenticated with a certificate, by that very certificate.
    /// </summary>
    public string? CheckUpdate(ResultSubmission result, long round, string payloadSha256, X509Certificate2? connectionCertificate)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_trust is null) return null;
        if (result.Signature.IsEmpty)
            return _requireSigned ? "unsigned update: this federation requires every update to be signed with the site's certificate" : null;
        var statement = new UpdateStatement(result.ClientId, result.TaskId, round, result.Codec.ToString(), payloadSha256);
        var check = CmsSignature.Verify(statement.ToCanonicalBytes(), result.Signature.Span, _trust, FederationRole.Site);
        if (!check.Valid)
            return $"bad update signature (tampered, or replayed from another client, task or round): {check.Reason}";
        if (!string.Equals(check.Identity, result.ClientId, StringComparison.Ordinal))
            return $"the update is signed by '{check.Identity}', not by client '{result.ClientId}' that holds task {result.TaskId}";
        if (connectionCertificate is not null && check.Signer is { } signer && !signer.RawDataMemory.Span.SequenceEqual(connectionCertificate.RawDataMemory.Span))
            return $"the update is signed with certificate {signer.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}, not with the certificate {connectionCertificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)} of the client's connection";
        return null;
    }
}
