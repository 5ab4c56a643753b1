using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Federated.Coordinator.Options;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Rounds;
using Federated.Coordinator.Security;
using Federated.Coordinator.Validation;
using Federated.Shared.Codecs;
using Federated.Shared.Parameters;
using Federated.Trust.Pki;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Coordinator.Transport;

/// <summary>What a client's task poll produced.</summary>
public abstract record PullOutcome
{
    public sealed record Assigned(TaskAssignment Task) : PullOutcome;

    public sealed record Idle(string Reason) : PullOutcome;

    public sealed record Finished(string Reason, string? FinalModelHash) : PullOutcome;

    public sealed record UnknownClient : PullOutcome;
}

/// <summary>A result as a transport received it.</summary>
/// <param name="Payload">For fit tasks, the update as a model file; empty for evaluations and failures.</param>
/// <param name="Error">Set when the client reports that it could not do the task.</param>
/// <param name="Codec">How <paramref name="Payload"/> is encoded.</param>
public sealed record ResultSubmission(
    string ClientId,
    string TaskId,
    long ExampleCount,
    IReadOnlyDictionary<string, double> Metrics,
    ReadOnlyMemory<byte> Payload,
    string? Error,
    CodecKind Codec = CodecKind.Fp32)
{
    /// <summary>The client's CMS signature over the update statement (empty: unsigned).</summary>
    public ReadOnlyMemory<byte> Signature { get; init; }

    /// <summary>Set with <see cref="Error"/> when the client's site policy refused the task.</summary>
    public bool PolicyRefusal { get; init; }
}

public readonly record struct UploadOutcome(bool Accepted, string? Reason);

/// <summary>
/// What every transport (gRPC, MQTT, the in-process channel of simulations) does for a client:
/// join, pull tasks, fetch models, hand in results. Transports translate; all decisions live here
/// and in the orchestrator.
/// </summary>
public sealed partial class ClientGateway(
    ClientRegistry registry,
    FederationRuntime runtime,
    ICoordinatorStore store,
    IOptions<FederationOptions> options,
    TimeProvider time,
    ILogger<ClientGateway> logger,
    SigningService signing,
    AuditRecorder audit) : IDisposable
{
    private readonly FederationOptions _options = options.Value;
    private readonly UpdateBounds _bounds = new(options.Value.MaxExampleCount, options.Value.MaxUpdateNorm, options.Value.UpdateNormPolicy == UpdateNormPolicy.Clip);

    // Updates are checked and folded in one at a time through one decode buffer, so however many
    // uploads arrive together, checking them costs one model-sized buffer (the fold itself is
    // serialized by the round anyway).
    private readonly SemaphoreSlim _updateGate = new(1, 1);
    private ParameterBuffer? _scratch;

    /// <summary>Longest a poll is held open, whatever the client asks for.</summary>
    public static readonly TimeSpan MaxPollWait = TimeSpan.FromSeconds(30);

    public int ChunkBytes => _options.ChunkBytes;

    /// <param name="clientId">The id to join as: the certificate's identity when <paramref name="certificate"/> is given, else the id the client asked for (null or empty: a new one).</param>
    /// <param name="codecs">Codecs the client understands besides FP32; unknown values are ignored.</param>
    /// <param name="certificate">The certificate the transport authenticated the client with (mutual TLS), kept on the session; null on unauthenticated transports.</param>
    public async Task<string> JoinAsync(string? clientId, string name, CancellationToken cancellationToken, IReadOnlyList<CodecKind>? codecs = null, X509Certificate2? certificate = null)
    {
        if (certificate is not null && !string.Equals(clientId, FederationIdentity.Of(certificate), StringComparison.Ordinal))
            throw new ArgumentException($"A client authenticated by certificate '{certificate.Subject}' joins as its identity, not as '{clientId}'.", nameof(clientId));
        string displayName = string.IsNullOrWhiteSpace(name) ? "unnamed" : name.Trim();
        var session = registry.Join(clientId, displayName, codecs);
        session.Certificate = certificate;
        var now = time.GetUtcNow();
        await store.UpsertClientAsync(new ClientRecord(session.ClientId, displayName, session.JoinedAt, now), cancellationToken).ConfigureAwait(false);
        LogJoined(session.ClientId, displayName, registry.Count);
        audit.Joined(session.ClientId, displayName, session.Certificate);
        return session.ClientId;
    }

    public bool Heartbeat(string clientId) => registry.TryGet(clientId, out _);

    /// <summary>A transport saw the client disconnect: it is not selected again until it is heard from.</summary>
    public void MarkAway(string clientId)
    {
        registry.MarkAway(clientId);
        LogAway(clientId);
    }

    /// <summary>What every transport answers for a client id the coordinator does not know; clients rejoin when they read it.</summary>
    public static string UnknownClientDetail(string clientId) =>
        $"Unknown client id '{clientId}': the coordinator may have restarted; join again.";

    public async Task<PullOutcome> PullAsync(string clientId, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!registry.TryGet(clientId, out var session)) return new PullOutcome.UnknownClient();
        if (wait > MaxPollWait) wait = MaxPollWait;
        try
        {
            while (true)
            {
                if (runtime.IsFinished) return Finished();
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, runtime.FinishedToken);
                poll.CancelAfter(wait);
                TaskAssignment task;
                try
                {
                    task = await session.Inbox.Reader.ReadAsync(poll.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return runtime.IsFinished ? Finished() : new PullOutcome.Idle("no task for this client yet");
                }
                // A task whose window already closed is dropped: its slot was recorded as timed out.
                if (task.Deadline > time.GetUtcNow()) return new PullOutcome.Assigned(await DeliverAsync(session, task, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            // A long poll counts as being seen until its end, unless the client hung up.
            if (!cancellationToken.IsCancellationRequested) registry.TryGet(clientId, out _);
        }
    }

    private PullOutcome.Finished Finished() => new(runtime.FinishReason, runtime.FinalModelHash);

    /// <summary>
    /// The model with this content hash, encoded with <paramref name="codec"/> (FP32: the model file),
    /// from memory or the store; null when unknown. Counts the bytes from <paramref name="offset"/>
    /// as sent in the open round.
    /// </summary>
    public async Task<byte[]?> GetModelAsync(string contentHash, CancellationToken cancellationToken, CodecKind codec = CodecKind.Fp32, long offset = 0)
    {
        byte[]? bytes = runtime.GetEncodedModel(contentHash, codec);
        if (bytes is null)
        {
            byte[]? file = await store.GetModelAsync(contentHash.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
            if (file is null) return null;
            bytes = codec == CodecKind.Fp32
                ? file
                : FederationRuntime.EncodeModelFile(file, contentHash, codec);
        }
        if (offset >= 0 && offset < bytes.Length) runtime.CurrentStage?.AddBytesSent(bytes.Length - offset);
        return bytes;
    }

    /// <summary>Validates a result and, when sound, folds it into the open round. Never throws for bad input.</summary>
    public async Task<UploadOutcome> SubmitAsync(ResultSubmission result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var now = time.GetUtcNow();
        if (!registry.TryGet(result.ClientId, out var session))
            return await RejectAsync(result, null, null, $"unknown client '{result.ClientId}' (join first)", cancellationToken).ConfigureAwait(false);

        var stage = runtime.CurrentStage;
        string? claimRefusal = null;
        if (stage is null || !stage.TryClaim(result.TaskId, result.ClientId, now, out claimRefusal))
        {
            if (stage is not null && claimRefusal is not null)
                return await RejectAsync(result, result.TaskId, stage.Round, claimRefusal, cancellationToken).ConfigureAwait(false);
            var known = await store.GetTaskAsync(result.TaskId, cancellationToken).ConfigureAwait(false);
            string reason = known is null
                ? $"task '{result.TaskId}' was never issued"
                : $"task {result.TaskId} of round {known.Round} is closed ({known.Status})";
            return await RejectAsync(result, known?.TaskId, known?.Round, reason, cancellationToken).ConfigureAwait(false);
        }

        if (!string.IsNullOrEmpty(result.Error))
        {
            stage.Refuse(result.TaskId);
            string error = result.PolicyRefusal ? "policy refusal: " + result.Error : result.Error;
            await store.UpdateTaskStatusAsync(result.TaskId, TaskStatus.Failed, Truncate(error), now, cancellationToken).ConfigureAwait(false);
            audit.ClientFailed(result.ClientId, result.TaskId, stage.Round, error, result.PolicyRefusal);
            LogClientFailed(result.ClientId, result.TaskId, stage.Round, error);
            return new UploadOutcome(true, null);
        }

        return stage.Kind == TaskKind.Fit
            ? await AcceptUpdateAsync(stage, result, session, now, cancellationToken).ConfigureAwait(false)
            : await AcceptEvaluationAsync(stage, result, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task<UploadOutcome> AcceptUpdateAsync(RoundStage stage, ResultSubmission result, ClientSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        stage.AddBytesReceived(result.Payload.Length);
        // The round the task was issued in (a FedBuff result may count for a later server step).
        long taskRound = stage.RoundOf(result.TaskId);
        if (CheckSignature(result, taskRound, session) is { } badSignature)
            return await RefuseClaimedAsync(stage, result, badSignature, cancellationToken).ConfigureAwait(false);
        // FedBuff: an update too many server steps behind is refused before it is even decoded.
        if (stage.StaleReason(result.TaskId) is { } stale)
            return await RefuseClaimedAsync(stage, result, stale, cancellationToken).ConfigureAwait(false);
        string? refusal;
        await _updateGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            refusal = CheckAndFoldIn(stage, result);
        }
        finally
        {
            _updateGate.Release();
        }
        if (refusal is not null)
            return await RefuseClaimedAsync(stage, result, refusal, cancellationToken).ConfigureAwait(false);
        await RecordAcceptedAsync(taskRound, stage.Kind, result, now, cancellationToken).ConfigureAwait(false);
        return new UploadOutcome(true, null);
    }

    /// <summary>Validates an update and folds it into the round; the refusal reason, or null. Runs under <see cref="_updateGate"/>.</summary>
    private string? CheckAndFoldIn(RoundStage stage, ResultSubmission result)
    {
        if (_scratch is null || !_scratch.Layout.Equals(stage.Layout)) _scratch = new ParameterBuffer(stage.Layout);
        var check = UpdateValidator.Check(result.Payload.Span, result.ExampleCount, _bounds, result.Codec, _scratch, out var delta);
        if (!check.Accepted) return check.RejectionReason;
        return stage.AcceptUpdate(result.TaskId, delta, result.ExampleCount, check.Clipped)
            ? null
            : $"the result for task {result.TaskId} arrived after round {stage.Round}'s deadline";
    }

    private async Task<UploadOutcome> AcceptEvaluationAsync(RoundStage stage, ResultSubmission result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (result.ExampleCount <= 0)
            return await RefuseClaimedAsync(stage, result, $"example count {result.ExampleCount} is not positive", cancellationToken).ConfigureAwait(false);
        if (!result.Metrics.TryGetValue("loss", out double loss) || !double.IsFinite(loss) || loss < 0)
            return await RefuseClaimedAsync(stage, result, "an evaluation needs a finite, non-negative 'loss' metric", cancellationToken).ConfigureAwait(false);
        if (!result.Metrics.TryGetValue("accuracy", out double accuracy) || accuracy is < 0 or > 1 || double.IsNaN(accuracy))
            return await RefuseClaimedAsync(stage, result, "an evaluation needs an 'accuracy' metric in [0, 1]", cancellationToken).ConfigureAwait(false);
        if (!stage.AcceptEvaluation(result.TaskId, result.ExampleCount, loss, accuracy))
            return await RefuseClaimedAsync(stage, result, $"the result for task {result.TaskId} arrived after round {stage.Round}'s deadline", cancellationToken).ConfigureAwait(false);
        await RecordAcceptedAsync(stage.Round, stage.Kind, result, now, cancellationToken).ConfigureAwait(false);
        return new UploadOutcome(true, null);
    }

    /// <summary>
    /// One secure-aggregation step of a fit task: hands the client's phase message to the round's
    /// protocol, waits for the phase to close, and returns the client's next input. Refusals are
    /// recorded with the client and the reason; never throws for bad input. The message is read
    /// before the returned task first waits (nothing is awaited before the protocol takes it), so a
    /// transport may reuse its buffer as soon as this call returns, while the step waits.
    /// </summary>
    public async Task<SecureStepOutcome> SecureStepAsync(string clientId, string taskId, int phase, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (!registry.TryGet(clientId, out _))
            return await RecordSecureRefusalAsync(clientId, taskId, null, $"unknown client '{clientId}' (join first)", cancellationToken).ConfigureAwait(false);
        var stage = runtime.CurrentStage;
        if (stage?.Secure is not { } secure)
            return await RecordSecureRefusalAsync(clientId, taskId, stage?.Round, $"no secure round is open for task '{taskId}'", cancellationToken).ConfigureAwait(false);
        stage.AddBytesReceived(message.Length);
        var outcome = await secure.StepAsync(taskId, clientId, phase, message.Span, cancellationToken).ConfigureAwait(false);
        if (outcome.Kind == SecureStepKind.Rejected)
        {
            // Refusals of the round's own clients are recorded with the round when it ends; others here.
            if (!outcome.InRoundRecord) return await RecordSecureRefusalAsync(clientId, taskId, stage.Round, outcome.Reason!, cancellationToken).ConfigureAwait(false);
            LogRejected(clientId, taskId, stage.Round.ToString(CultureInfo.InvariantCulture), outcome.Reason!);
        }
        stage.AddBytesSent(outcome.Payload.Length);
        return outcome;
    }

    private async Task<SecureStepOutcome> RecordSecureRefusalAsync(string clientId, string taskId, long? round, string reason, CancellationToken cancellationToken)
    {
        await RejectAsync(new ResultSubmission(clientId, taskId, 0, new Dictionary<string, double>(), ReadOnlyMemory<byte>.Empty, null), null, round, reason, cancellationToken).ConfigureAwait(false);
        return SecureStepOutcome.Rejected(reason);
    }

    /// <summary>Records an upload the transport could not even decode (bad framing, wrong size).</summary>
    public async Task RejectMalformedAsync(string clientId, string taskId, string reason, CancellationToken cancellationToken)
    {
        var stage = runtime.CurrentStage;
        if (stage is not null && stage.TryClaim(taskId, clientId, time.GetUtcNow(), out _))
        {
            var submission = new ResultSubmission(clientId, taskId, 0, new Dictionary<string, double>(), ReadOnlyMemory<byte>.Empty, null);
            await RefuseClaimedAsync(stage, submission, reason, cancellationToken).ConfigureAwait(false);
            return;
        }
        await RejectAsync(new ResultSubmission(clientId, taskId, 0, new Dictionary<string, double>(), ReadOnlyMemory<byte>.Empty, null), null, stage?.Round, reason, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordAcceptedAsync(long round, TaskKind kind, ResultSubmission result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await store.AddResultAsync(new ResultRecord(result.TaskId, round, result.ClientId, kind, result.ExampleCount, now, result.Metrics), cancellationToken).ConfigureAwait(false);
        await store.UpdateTaskStatusAsync(result.TaskId, TaskStatus.Completed, null, now, cancellationToken).ConfigureAwait(false);
        audit.Accepted(result.ClientId, result.TaskId, round, kind);
        LogAccepted(kind, result.TaskId, result.ClientId, round, result.ExampleCount);
    }

    private async Task<UploadOutcome> RefuseClaimedAsync(RoundStage stage, ResultSubmission result, string reason, CancellationToken cancellationToken)
    {
        stage.Refuse(result.TaskId);
        await store.UpdateTaskStatusAsync(result.TaskId, TaskStatus.Rejected, reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return await RejectAsync(result, result.TaskId, stage.Round, reason, cancellationToken).ConfigureAwait(false);
    }

    private async Task<UploadOutcome> RejectAsync(ResultSubmission result, string? taskId, long? round, string reason, CancellationToken cancellationToken)
    {
        string clientId = Truncate(result.ClientId);
        await store.AddRejectionAsync(new RejectionRecord(taskId, round, clientId, reason, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        audit.Rejected(clientId, taskId ?? Truncate(result.TaskId), round, reason);
        LogRejected(clientId, Truncate(result.TaskId), round?.ToString(CultureInfo.InvariantCulture) ?? "-", reason);
        return new UploadOutcome(false, reason);
    }

    public void Dispose() => _updateGate.Dispose();

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} ({Name}) joined; {Count} connected")]
    private partial void LogJoined(string clientId, string name, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} went away (its transport saw it disconnect)")]
    private partial void LogAway(string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted {Kind} result of task {TaskId} from {ClientId} in round {Round} ({Examples} examples)")]
    private partial void LogAccepted(TaskKind kind, string taskId, string clientId, long round, long examples);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected result of task {TaskId} from {ClientId} (round {Round}): {Reason}")]
    private partial void LogRejected(string clientId, string taskId, string round, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {ClientId} failed task {TaskId} in round {Round}: {Error}")]
    private partial void LogClientFailed(string clientId, string taskId, long round, string error);
}
