using Federated.Protocol;
using Federated.Shared.Training;
using Microsoft.Extensions.Logging;

namespace Federated.Client;

/// <summary>The secure-aggregation path of a fit task: the update leaves this client only masked.</summary>
public sealed partial class FederatedClient
{
    /// <summary>
    /// Hands a trained update to the configured <see cref="ISecureAggregationParticipant"/>, which runs
    /// the protocol through <see cref="SecureStepAsync"/>. Returns true when this client's input made it
    /// into the round; a refusal or an abort is logged and returns false.
    /// </summary>
    private async Task<bool> RunSecureAggregationAsync(TaskSpec task, FitOutcome fit, CancellationToken cancellationToken)
    {
        var participant = _options.SecureAggregation
            ?? throw new NotSupportedException(
                $"Task {task.TaskId} requires secure aggregation, but this client has none (set FederatedClientOptions.SecureAggregation, e.g. to Federated.Client.SecureAggregation's participant).");
        bool included = await participant.ParticipateAsync(task, fit, (phase, message, ct) => SecureStepAsync(task, phase, message, ct), cancellationToken).ConfigureAwait(false);
        if (included) LogSecureDone(task.TaskId, task.Round);
        return included;
    }

    /// <summary>Sends one phase message and returns the next phase's input, or null when the coordinator refused it or the round aborted.</summary>
    private async Task<byte[]?> SecureStepAsync(TaskSpec task, SecurePhase phase, byte[] message, CancellationToken cancellationToken)
    {
        var header = new SecureStepHeader { ClientId = _clientId, TaskId = task.TaskId, Phase = phase, PayloadBytes = message.Length };
        // A retried step resends the same message, which the coordinator takes as a repeat, not a conflict.
        var reply = await CallAsync($"send the {phase} step",
            ct => _connection.SecureAggregationStepAsync(header, message, _chunkBytes, ct), cancellationToken).ConfigureAwait(false);
        switch (reply.Outcome)
        {
            case SecureStepReply.Types.Outcome.Next:
                return reply.Payload.ToByteArray();
            case SecureStepReply.Types.Outcome.Aborted:
                LogSecureAborted(task.TaskId, task.Round, phase, reply.Reason);
                return null;
            default:
                LogSecureRefused(task.TaskId, task.Round, phase, reply.Reason);
                return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} of round {Round}: masked update aggregated securely")]
    private partial void LogSecureDone(string taskId, long round);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} of round {Round}: secure aggregation aborted in {Phase}: {Reason}")]
    private partial void LogSecureAborted(string taskId, long round, SecurePhase phase, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} of round {Round}: the coordinator refused the {Phase} step: {Reason}")]
    private partial void LogSecureRefused(string taskId, long round, SecurePhase phase, string reason);
}
