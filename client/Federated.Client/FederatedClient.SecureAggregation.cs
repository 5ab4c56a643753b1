using Federated.Protocol;
using Federated.SecureAggregation;
using Federated.Shared.Training;
using Microsoft.Extensions.Logging;

namespace Federated.Client;

/// <summary>The secure-aggregation path of a fit task: the update leaves this client only masked.</summary>
public sealed partial class FederatedClient
{
    /// <summary>
    /// Runs the four protocol phases for a trained update (Bonawitz et al. 2017; the coordinator's
    /// setup says which neighbours, threshold and ring). The coordinator sees only the masked vector
    /// and, at the end, the sum over the round. Returns true when this client's input made it into
    /// the round (the unmasking phase completed); a refusal or an abort is logged and returns false.
    /// </summary>
    private async Task<bool> RunSecureAggregationAsync(TaskSpec task, FitOutcome fit, CancellationToken cancellationToken)
    {
        var setup = SecureAggregationWire.ReadSetup(task.SecureAggregation.Span);
        if (setup.RoundId != task.Round)
            throw new InvalidDataException($"The task's secure-aggregation setup is for round {setup.RoundId}, the task for round {task.Round}.");
        if (setup.Options.VectorLength != fit.Delta.Length)
            throw new InvalidDataException($"The secure-aggregation setup expects {setup.Options.VectorLength} values; the update has {fit.Delta.Length}.");
        using var protocol = new SecureAggregationClient(setup.Options, setup.RoundId, setup.ClientIndex, setup.GraphSeed);
        // The example weight travels masked as well; counts above the federation's cap are capped (it bounds one client's say).
        float weight = (float)Math.Min(fit.ExampleCount, setup.Options.MaxExampleWeight);

        byte[]? next = await SecureStepAsync(task, SecurePhase.AdvertiseKeys, SecureAggregationWire.Write(protocol.AdvertiseKeys()), cancellationToken).ConfigureAwait(false);
        if (next is null) return false;
        var shares = protocol.ShareKeys(SecureAggregationWire.ReadNeighbourKeys(next));
        next = await SecureStepAsync(task, SecurePhase.ShareKeys, SecureAggregationWire.Write(shares), cancellationToken).ConfigureAwait(false);
        if (next is null) return false;
        var masked = protocol.MaskInput(SecureAggregationWire.ReadShareBundle(next), fit.Delta.Values, weight);
        next = await SecureStepAsync(task, SecurePhase.MaskedInput, SecureAggregationWire.Write(masked), cancellationToken).ConfigureAwait(false);
        if (next is null) return false;
        var revealed = protocol.Unmask(SecureAggregationWire.ReadUnmaskRequest(next));
        next = await SecureStepAsync(task, SecurePhase.Unmask, SecureAggregationWire.Write(revealed), cancellationToken).ConfigureAwait(false);
        if (next is null) return false;
        LogSecureDone(task.TaskId, task.Round, setup.ClientIndex, setup.Options.ClientCount);
        return true;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} of round {Round}: masked update aggregated securely (client {Index} of {Clients})")]
    private partial void LogSecureDone(string taskId, long round, int index, int clients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} of round {Round}: secure aggregation aborted in {Phase}: {Reason}")]
    private partial void LogSecureAborted(string taskId, long round, SecurePhase phase, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} of round {Round}: the coordinator refused the {Phase} step: {Reason}")]
    private partial void LogSecureRefused(string taskId, long round, SecurePhase phase, string reason);
}
