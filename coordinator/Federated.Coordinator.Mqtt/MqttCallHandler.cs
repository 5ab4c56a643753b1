using System.Collections.Concurrent;
using Federated.Coordinator.Rounds;
using Federated.Coordinator.Transport;
using Federated.Protocol;
using Grpc.Core;

namespace Federated.Coordinator.Mqtt;

/// <summary>
/// Answers one device's MQTT request through the <see cref="ClientGateway"/>, as the gRPC service
/// does for a call: all decisions stay in the gateway; this translates, reassembles chunked uploads
/// and publishes models as retained chunks. Never throws for bad input: it answers with an error.
/// </summary>
/// <param name="devicesAuthenticated">
/// The broker authenticated every device by certificate and checked that its device id is the
/// certificate's identity (mutual TLS): a device then joins as that identity and acts only as it.
/// </param>
internal sealed class MqttCallHandler(ClientGateway gateway, ResumableUploads uploads, RetainedModelPublisher models, TimeProvider time, bool devicesAuthenticated = false)
{
    private static readonly int HeartbeatIntervalMs = (int)TimeSpan.FromSeconds(10).TotalMilliseconds;

    // Which device each client joined from: a request for a client from another device is refused,
    // so one device cannot act for another by naming its id (certificates bind identity in issue 9).
    private readonly ConcurrentDictionary<string, string> _deviceOfClient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _clientOfDevice = new(StringComparer.Ordinal);

    private readonly AnsweredResults _answered = new(TimeSpan.FromMinutes(30));

    /// <summary>The client that joined from <paramref name="device"/>, if any.</summary>
    public string? ClientOf(string device) => _clientOfDevice.TryGetValue(device, out string? client) ? client : null;

    /// <param name="publish">Sends one retained model chunk to the broker.</param>
    public async Task<MqttReply> HandleAsync(string device, MqttRequest request, Func<string, ReadOnlyMemory<byte>, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        switch (request.CallCase)
        {
            case MqttRequest.CallOneofCase.Join:
                return await JoinAsync(device, request.Join, cancellationToken).ConfigureAwait(false);
            case MqttRequest.CallOneofCase.PullTask:
                if (Impostor(device, request.PullTask.ClientId) is { } refusedPull) return refusedPull;
                var outcome = await gateway.PullAsync(request.PullTask.ClientId, TimeSpan.FromMilliseconds(Math.Max(0, request.PullTask.WaitMs)), cancellationToken).ConfigureAwait(false);
                return WireMapping.ToProto(outcome) is { } pulled ? new MqttReply { PullTask = pulled } : UnknownClient(request.PullTask.ClientId);
            case MqttRequest.CallOneofCase.DownloadModel:
                return await DescribeModelAsync(device, request.DownloadModel, publish, cancellationToken).ConfigureAwait(false);
            case MqttRequest.CallOneofCase.UploadChunk:
                return await AcceptChunkAsync(device, request.UploadChunk, cancellationToken).ConfigureAwait(false);
            case MqttRequest.CallOneofCase.Heartbeat:
                if (Impostor(device, request.Heartbeat.ClientId) is { } refusedBeat) return refusedBeat;
                return new MqttReply { Heartbeat = new HeartbeatReply { Known = gateway.Heartbeat(request.Heartbeat.ClientId) } };
            default:
                return Error(StatusCode.InvalidArgument, "The request names no call (join, pull_task, download_model, upload_chunk or heartbeat).");
        }
    }

    private async Task<MqttReply> JoinAsync(string device, JoinRequest join, CancellationToken cancellationToken)
    {
        if (join.Name.Length > 200) return Error(StatusCode.InvalidArgument, "The client name is longer than 200 characters.");
        string? requested = join.ClientId;
        if (devicesAuthenticated)
        {
            // The device is its certificate's identity; it cannot ask to be anyone else.
            if (!string.IsNullOrEmpty(requested) && !string.Equals(requested, device, StringComparison.Ordinal)) return NotThisDevice(device, requested);
            requested = device;
        }
        // Joining is the act of naming oneself, so it rebinds the client to this device (an app reinstalled
        // with its saved id); the other calls must then come from here.
        string clientId = await gateway.JoinAsync(requested, join.Name, cancellationToken, WireMapping.FromProto(join.Codecs)).ConfigureAwait(false);
        _deviceOfClient[clientId] = device;
        _clientOfDevice[device] = clientId;
        return new MqttReply { Join = new JoinReply { ClientId = clientId, MaxChunkBytes = gateway.ChunkBytes, HeartbeatIntervalMs = HeartbeatIntervalMs } };
    }

    private async Task<MqttReply> DescribeModelAsync(string device, DownloadModelRequest request, Func<string, ReadOnlyMemory<byte>, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        if (Impostor(device, request.ClientId) is { } refused) return refused;
        if (!gateway.Heartbeat(request.ClientId)) return UnknownClient(request.ClientId);
        if (WireMapping.FromProto(request.Codec) is not { } codec) return Error(StatusCode.InvalidArgument, $"Unknown codec {request.Codec}.");
        if (!MqttTopics.IsValidLevel(request.ModelHash)) return Error(StatusCode.InvalidArgument, "The model hash is empty or not a valid topic level.");
        byte[]? bytes = await gateway.GetModelAsync(request.ModelHash, cancellationToken, codec, request.Offset).ConfigureAwait(false);
        if (bytes is null) return Error(StatusCode.NotFound, $"No model with content hash '{request.ModelHash}'.");
        if (request.Offset < 0 || request.Offset > bytes.Length)
            return Error(StatusCode.OutOfRange, $"Offset {request.Offset} is outside the model's {bytes.Length} bytes.");
        var manifest = await models.EnsurePublishedAsync(request.ModelHash, request.Codec, bytes, publish, cancellationToken).ConfigureAwait(false);
        return new MqttReply { Model = manifest };
    }

    private async Task<MqttReply> AcceptChunkAsync(string device, UploadChunk chunk, CancellationToken cancellationToken)
    {
        (string clientId, string taskId, long total, string kind) = chunk.HeaderCase switch
        {
            UploadChunk.HeaderOneofCase.Result => (chunk.Result.ClientId, chunk.Result.TaskId, chunk.Result.PayloadBytes, "result"),
            UploadChunk.HeaderOneofCase.SecureStep => (chunk.SecureStep.ClientId, chunk.SecureStep.TaskId, chunk.SecureStep.PayloadBytes, $"secure-{(int)chunk.SecureStep.Phase}"),
            _ => ("", "", -1, ""),
        };
        if (kind.Length == 0) return Error(StatusCode.InvalidArgument, "An upload chunk carries a result or secure-step header.");
        if (Impostor(device, clientId) is { } refused) return refused;

        string key = $"{clientId}\n{taskId}\n{kind}";
        if (kind == "result" && _answered.TryGet(clientId, key, time.GetUtcNow(), out var earlier)) return new MqttReply { Upload = await earlier.ConfigureAwait(false) };
        if (total is < 0 or > GrpcCoordinatorService.MaxPayloadBytes)
            return await RefuseAsync(chunk, clientId, taskId, $"declared payload of {total} bytes is outside [0, {GrpcCoordinatorService.MaxPayloadBytes}]", cancellationToken).ConfigureAwait(false);
        if (chunk.HeaderCase == UploadChunk.HeaderOneofCase.Result && WireMapping.FromProto(chunk.Result.Codec) is null)
            return await RefuseAsync(chunk, clientId, taskId, $"unknown codec {chunk.Result.Codec}", cancellationToken).ConfigureAwait(false);

        switch (uploads.Accept(key, total, chunk.Offset, chunk.Data.Span))
        {
            case ChunkOutcome.Progress progress:
                return new MqttReply { Progress = new UploadProgress { ReceivedBytes = progress.Received } };
            case ChunkOutcome.Busy busy:
                return Error(StatusCode.Unavailable, busy.Reason);
            case ChunkOutcome.Malformed malformed:
                return await RefuseAsync(chunk, clientId, taskId, malformed.Reason, cancellationToken).ConfigureAwait(false);
            case ChunkOutcome.Complete complete:
                return chunk.HeaderCase == UploadChunk.HeaderOneofCase.Result
                    ? await SubmitAsync(key, chunk.Result, complete, cancellationToken).ConfigureAwait(false)
                    : await StepAsync(chunk.SecureStep, complete, cancellationToken).ConfigureAwait(false);
            default:
                throw new InvalidOperationException("Unknown chunk outcome.");
        }
    }

    private async Task<MqttReply> SubmitAsync(string key, ResultHeader header, ChunkOutcome.Complete complete, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<UploadReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answered.Remember(header.ClientId, key, answer.Task, time.GetUtcNow());
        try
        {
            var metrics = new Dictionary<string, double>(header.Metrics, StringComparer.Ordinal);
            var outcome = await gateway.SubmitAsync(
                new ResultSubmission(header.ClientId, header.TaskId, header.ExampleCount, metrics, complete.Payload, header.Error.Length > 0 ? header.Error : null,
                    WireMapping.FromProto(header.Codec)!.Value)
                { Signature = header.Signature.Memory, PolicyRefusal = header.PolicyRefusal },
                cancellationToken).ConfigureAwait(false);
            var reply = new UploadReply { Accepted = outcome.Accepted, Reason = outcome.Reason ?? "" };
            answer.SetResult(reply);
            return new MqttReply { Upload = reply };
        }
        catch (Exception e)
        {
            // Not answered: a resent chunk submits again.
            _answered.Forget(header.ClientId, key);
            answer.SetException(e);
            throw;
        }
        finally
        {
            // The gateway keeps no reference to the payload once SubmitAsync returns.
            ResumableUploads.Release(complete);
        }
    }

    private async Task<MqttReply> StepAsync(SecureStepHeader header, ChunkOutcome.Complete complete, CancellationToken cancellationToken)
    {
        Task<SecureStepOutcome> step;
        try
        {
            // The gateway reads the message before its task first waits, so the buffer goes back now,
            // not when the phase closes. A repeated step is taken as a repeat by the protocol.
            step = gateway.SecureStepAsync(header.ClientId, header.TaskId, (int)header.Phase, complete.Payload, cancellationToken);
        }
        finally
        {
            ResumableUploads.Release(complete);
        }
        return new MqttReply { SecureStep = WireMapping.ToProto(await step.ConfigureAwait(false)) };
    }

    private async Task<MqttReply> RefuseAsync(UploadChunk chunk, string clientId, string taskId, string reason, CancellationToken cancellationToken)
    {
        await gateway.RejectMalformedAsync(clientId, taskId, reason, cancellationToken).ConfigureAwait(false);
        return chunk.HeaderCase == UploadChunk.HeaderOneofCase.Result
            ? new MqttReply { Upload = new UploadReply { Accepted = false, Reason = reason } }
            : new MqttReply { SecureStep = new SecureStepReply { Outcome = SecureStepReply.Types.Outcome.Rejected, Reason = reason } };
    }

    /// <summary>A refusal when <paramref name="clientId"/> joined from another device (or, authenticated, is not this device); null when the request may proceed.</summary>
    private MqttReply? Impostor(string device, string clientId)
    {
        if (devicesAuthenticated) return string.Equals(clientId, device, StringComparison.Ordinal) ? null : NotThisDevice(device, clientId);
        return _deviceOfClient.TryGetValue(clientId, out string? owner) && !string.Equals(owner, device, StringComparison.Ordinal)
            ? Error(StatusCode.PermissionDenied, $"Client '{clientId}' joined from another device; join again from this one.")
            : null;
    }

    private static MqttReply NotThisDevice(string device, string clientId) =>
        Error(StatusCode.PermissionDenied, $"Device '{device}' is authenticated as itself and cannot act for client '{(clientId.Length <= 130 ? clientId : clientId[..130] + "…")}'.");

    private static MqttReply UnknownClient(string clientId) => Error(StatusCode.NotFound, ClientGateway.UnknownClientDetail(clientId));

    public static MqttReply Error(StatusCode code, string detail) => new() { Error = new MqttError { StatusCode = (int)code, Detail = detail } };
}
