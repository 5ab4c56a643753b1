using Federated.Client.Connection;
using Federated.Protocol;
using Grpc.Core;

namespace Federated.Simulations.Engine;

/// <summary>
/// Wraps a virtual client's real connection (in-process or gRPC) with what a simulation adds
/// around the unchanged client: being offline for a round, dropping out or straggling past the
/// deadline (by going silent, which the coordinator handles as it would for a real client),
/// byte counts, and handing results in the round's issue order.
/// </summary>
internal sealed class VirtualClientConnection(ICoordinatorConnection inner, VirtualClient client, SimulationContext context) : ICoordinatorConnection
{
    public string Address => inner.Address;

    public async Task<JoinReply> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        var reply = await inner.JoinAsync(request, cancellationToken).ConfigureAwait(false);
        client.ClientId = reply.ClientId;
        client.Joined.TrySetResult();
        return reply;
    }

    public async Task<PullTaskReply> PullTaskAsync(PullTaskRequest request, CancellationToken cancellationToken)
    {
        await client.WaitOnlineAsync(cancellationToken).ConfigureAwait(false);
        PullTaskReply reply;
        client.PollStarted();
        try
        {
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, client.OfflineToken);
            reply = await inner.PullTaskAsync(request, poll.Token).ConfigureAwait(false);
        }
        catch (Exception e) when ((e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled }) && !cancellationToken.IsCancellationRequested)
        {
            return Idle("offline this round (simulated)");
        }
        finally
        {
            client.PollEnded();
        }

        if (reply.OutcomeCase != PullTaskReply.OutcomeOneofCase.Task || reply.Task.Kind != TaskKind.Fit) return reply;
        var stage = context.Runtime.CurrentStage;
        int order = stage?.OrderOf(reply.Task.TaskId) ?? -1;
        if (order < 0) return reply; // not the open stage's task: let the coordinator judge it
        var sequencer = context.SequencerFor(stage!);

        var train = reply.Task.Train;
        long steps = (long)Math.Max(1, train.Epochs) * ((client.Indices.Length + Math.Max(1, train.BatchSize) - 1) / Math.Max(1, train.BatchSize));
        if (context.Faults.DropsOut(reply.Task.Round, client.Number) || context.Faults.MissesDeadline(client.Number, steps))
        {
            // Silent, like a phone that lost power or a site too slow for the deadline.
            sequencer.Complete(order, submitted: false);
            if (stage!.Secure is not null) context.SecureClock.Gone(stage);
            return Idle("dropped out of this round (simulated)");
        }
        // Secure rounds sum in the ring, where order cannot matter; only plain uploads take turns.
        if (stage!.Secure is null) client.Current = (reply.Task.TaskId, order, sequencer);
        // Count the model as sent to every participant, as a real deployment would: the
        // simulation's shared in-memory cache downloads it only once per process.
        context.AddBytesSent(reply.Task.ModelSizeBytes);
        return reply;
    }

    public Task<long> DownloadModelAsync(string clientId, string modelHash, Codec codec, long offset, Stream destination, CancellationToken cancellationToken) =>
        inner.DownloadModelAsync(clientId, modelHash, codec, offset, destination, cancellationToken);

    public async Task<UploadReply> UploadResultAsync(ResultHeader header, ReadOnlyMemory<byte> payload, int chunkBytes, CancellationToken cancellationToken)
    {
        if (client.Current is not { } current || current.TaskId != header.TaskId)
        {
            // A client that gave up a secure task reports the failure here: it is out of the protocol.
            if (context.Runtime.CurrentStage is { Secure: not null } stage && stage.OrderOf(header.TaskId) >= 0 && header.Error.Length > 0)
                context.SecureClock.Gone(stage);
            return await inner.UploadResultAsync(header, payload, chunkBytes, cancellationToken).ConfigureAwait(false);
        }
        await current.Sequencer.WaitTurnAsync(current.Order, cancellationToken).ConfigureAwait(false);
        try
        {
            var reply = await inner.UploadResultAsync(header, payload, chunkBytes, cancellationToken).ConfigureAwait(false);
            context.AddBytesReceived(payload.Length);
            return reply;
        }
        finally
        {
            current.Sequencer.Complete(current.Order, submitted: true);
            client.Current = null;
        }
    }

    /// <summary>
    /// A secure-aggregation step, or — drawn per phase from the fault plan — a silent drop before
    /// it (the client gives the task up as a phone losing its connection would).
    /// </summary>
    public async Task<SecureStepReply> SecureAggregationStepAsync(SecureStepHeader header, ReadOnlyMemory<byte> message, int chunkBytes, CancellationToken cancellationToken)
    {
        var stage = context.Runtime.CurrentStage;
        if (stage?.Secure is null || stage.OrderOf(header.TaskId) < 0)
            return await inner.SecureAggregationStepAsync(header, message, chunkBytes, cancellationToken).ConfigureAwait(false);
        int phase = (int)header.Phase;
        if (context.Faults.DropsOutOfSecurePhase(stage.Round, client.Number, phase))
        {
            context.SecureClock.Gone(stage);
            throw new OperationCanceledException($"client {client.Number} dropped out before secure-aggregation phase {header.Phase} (simulated)");
        }
        // In process the coordinator has taken the message once the call returns its task (it reads it
        // before it first waits), so only then does this client count as waiting for the phase to close.
        var pending = inner.SecureAggregationStepAsync(header, message, chunkBytes, cancellationToken);
        context.SecureClock.StepStarted(stage, phase);
        bool stillIn = false;
        try
        {
            var reply = await pending.ConfigureAwait(false);
            context.AddBytesReceived(message.Length);
            context.AddBytesSent(reply.Payload.Length);
            stillIn = reply.Outcome == SecureStepReply.Types.Outcome.Next && phase < 3;
            return reply;
        }
        finally
        {
            context.SecureClock.StepEnded(stage, phase, stillIn);
        }
    }

    public Task<HeartbeatReply> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken) =>
        inner.HeartbeatAsync(request, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static PullTaskReply Idle(string reason) => new() { Idle = new Idle { RetryAfterMs = 0, Reason = reason } };
}
