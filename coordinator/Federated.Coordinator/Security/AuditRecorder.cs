using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Rounds;
using Federated.Trust.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Security;

/// <summary>
/// Writes the coordinator's audit trail (<see cref="AuditLog"/>: hash-chained JSON lines, flushed
/// per entry) when <see cref="AuditOptions.Path"/> is set: who joined with which certificate, which
/// task went to whom with which model, which update (by SHA-256) came back, whether it was accepted
/// or why not, and what each round produced. Does nothing without a path.
/// </summary>
public sealed partial class AuditRecorder : IRoundObserver, IDisposable
{
    private readonly AuditLog? _log;
    private readonly ILogger<AuditRecorder> _logger;

    public AuditRecorder(IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRecorder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        if (string.IsNullOrWhiteSpace(options.Value.Path)) return;
        _log = AuditLog.Open(options.Value.Path, time);
        LogOpened(_log.Path, _log.Count, _log.HeadHash);
    }

    public bool Enabled => _log is not null;

    /// <summary>The hash of the last entry (worth logging elsewhere: a log cut short still verifies up to its last line).</summary>
    public string? HeadHash => _log?.HeadHash;

    public void Joined(string clientId, string name, X509Certificate2? certificate) =>
        _log?.Append("join", ("client", clientId), ("name", name),
            ("certificate-sha256", certificate?.GetCertHashString(HashAlgorithmName.SHA256)),
            ("certificate-subject", certificate?.Subject));

    public void TaskAssigned(string clientId, TaskAssignment task) =>
        _log?.Append("task-assigned", ("client", clientId), ("task", task.TaskId), ("round", Text(task.Round)), ("kind", task.Kind.ToString()),
            ("model-hash", task.ModelHash), ("model-codec", task.ModelCodec.ToString()), ("model-signed", task.ModelSignature is { Length: > 0 } ? "true" : "false"));

    public void UpdateReceived(string clientId, string taskId, long round, string payloadSha256, string codec, bool hasSignature) =>
        _log?.Append("update-received", ("client", clientId), ("task", taskId), ("round", Text(round)),
            ("update-sha256", payloadSha256), ("codec", codec), ("signed", hasSignature ? "true" : "false"));

    public void Accepted(string clientId, string taskId, long round, TaskKind kind) =>
        _log?.Append("result-accepted", ("client", clientId), ("task", taskId), ("round", Text(round)), ("kind", kind.ToString()));

    public void Rejected(string clientId, string? taskId, long? round, string reason) =>
        _log?.Append("result-rejected", ("client", clientId), ("task", taskId), ("round", round is { } r ? Text(r) : null), ("reason", reason));

    /// <summary>The client reported it could not do the task; a site policy refusal is recorded as such.</summary>
    public void ClientFailed(string clientId, string taskId, long round, string error, bool policyRefusal) =>
        _log?.Append(policyRefusal ? "policy-refusal" : "task-failed", ("client", clientId), ("task", taskId), ("round", Text(round)), ("reason", error));

    public Task BeforeRoundAsync(long round, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RoundFinishedAsync(RoundRecord round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(round);
        _log?.Append("round-finished", ("round", Text(round.Round)), ("status", round.Status.ToString()),
            ("input-model-hash", round.InputModelHash), ("output-model-hash", round.OutputModelHash), ("failure", round.FailureReason));
        // The head hash outside the log itself: a log cut short after this entry no longer matches it.
        if (_log is not null) LogHead(round.Round, _log.Count, _log.HeadHash);
        return Task.CompletedTask;
    }

    public void Dispose() => _log?.Dispose();

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit log {Path} open: {Entries} entries, head {Head}")]
    private partial void LogOpened(string path, long entries, string head);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit log after round {Round}: {Entries} entries, head {Head}")]
    private partial void LogHead(long round, long entries, string head);
}
