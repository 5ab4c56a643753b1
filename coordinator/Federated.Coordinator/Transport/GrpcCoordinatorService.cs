using Federated.Coordinator.Rounds;
using Federated.Coordinator.Security;
using Federated.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Federated.Coordinator.Transport;

/// <summary>
/// The gRPC face of <see cref="ClientGateway"/>: translates messages, streams models and results
/// in chunks (no message over 4 MB), and turns protocol misuse into clear gRPC status codes. Under
/// mutual TLS a caller acts only as its certificate's identity (<see cref="CallerIdentity"/>);
/// FetchGlobalModel needs a valid certificate (checked for every call) but no join.
/// </summary>
[BindServiceMethod(typeof(CoordinatorServiceBinding), nameof(CoordinatorServiceBinding.BindService))]
public sealed class GrpcCoordinatorService(ClientGateway gateway, UploadBuffers uploads, GlobalModelCatalog globalModels, SigningService signing) : Protocol.Coordinator.CoordinatorBase
{
    /// <summary>Largest result payload accepted: ample for models of tens of millions of parameters.</summary>
    public const long MaxPayloadBytes = 512L * 1024 * 1024;

    private static readonly int HeartbeatIntervalMs = (int)TimeSpan.FromSeconds(10).TotalMilliseconds;

    public override async Task<JoinReply> Join(JoinRequest request, ServerCallContext context)
    {
        if (request.Name.Length > 200)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The client name is longer than 200 characters."));
        // Under mutual TLS the client is its certificate's identity; the name sent is only a display name.
        string? requested = CallerIdentity.ClientIdForJoin(context, request.ClientId);
        string clientId = await gateway.JoinAsync(requested, request.Name, context.CancellationToken, WireMapping.FromProto(request.Codecs), CallerIdentity.CertificateOf(context)).ConfigureAwait(false);
        return new JoinReply { ClientId = clientId, MaxChunkBytes = gateway.ChunkBytes, HeartbeatIntervalMs = HeartbeatIntervalMs };
    }

    public override async Task<PullTaskReply> PullTask(PullTaskRequest request, ServerCallContext context)
    {
        CallerIdentity.Authorize(context, request.ClientId);
        var wait = TimeSpan.FromMilliseconds(Math.Max(0, request.WaitMs));
        var outcome = await gateway.PullAsync(request.ClientId, wait, context.CancellationToken).ConfigureAwait(false);
        return WireMapping.ToProto(outcome) ?? throw UnknownClient(request.ClientId);
    }

    public override async Task DownloadModel(DownloadModelRequest request, IServerStreamWriter<ModelChunk> responseStream, ServerCallContext context)
    {
        CallerIdentity.Authorize(context, request.ClientId);
        if (!gateway.Heartbeat(request.ClientId)) throw UnknownClient(request.ClientId);
        var codec = WireMapping.FromProto(request.Codec)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"Unknown codec {request.Codec}."));
        byte[] model = await gateway.GetModelAsync(request.ModelHash, context.CancellationToken, codec, request.Offset).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No model with content hash '{request.ModelHash}'."));
        if (request.Offset < 0 || request.Offset > model.Length)
            throw new RpcException(new Status(StatusCode.OutOfRange, $"Offset {request.Offset} is outside the model's {model.Length} bytes."));
        for (long offset = request.Offset; offset < model.Length; offset += gateway.ChunkBytes)
        {
            int length = (int)Math.Min(gateway.ChunkBytes, model.Length - offset);
            await responseStream.WriteAsync(new ModelChunk
            {
                Offset = offset,
                TotalBytes = model.Length,
                Data = UnsafeByteOperations.UnsafeWrap(model.AsMemory((int)offset, length)),
            }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task FetchGlobalModel(FetchGlobalModelRequest request, IServerStreamWriter<GlobalModelChunk> responseStream, ServerCallContext context)
    {
        var lookup = await globalModels.FindAsync(request.Round, context.CancellationToken).ConfigureAwait(false);
        var found = lookup switch
        {
            GlobalModelLookup.Found f => f,
            GlobalModelLookup.Unknown u => throw new RpcException(new Status(StatusCode.NotFound, u.Reason)),
            GlobalModelLookup.NoModel n => throw new RpcException(new Status(StatusCode.FailedPrecondition, n.Reason)),
            GlobalModelLookup.Damaged d => throw new RpcException(new Status(StatusCode.DataLoss, d.Reason)),
            _ => throw new InvalidOperationException($"Unexpected lookup {lookup}."),
        };
        byte[] file = found.File;
        await responseStream.WriteAsync(new GlobalModelChunk
        {
            Header = new GlobalModelHeader
            {
                Round = found.Round,
                Architecture = found.Header.Architecture?.ToCanonicalString() ?? "",
                ContentHash = found.Header.ContentHash,
                TotalBytes = file.Length,
                LatestRound = found.LatestRound,
                Signature = signing.SignGlobalModel(found.Header.ContentHash, file, found.Round) is { } signature
                    ? UnsafeByteOperations.UnsafeWrap(signature)
                    : ByteString.Empty,
            },
        }, context.CancellationToken).ConfigureAwait(false);
        for (int offset = 0; offset < file.Length; offset += gateway.ChunkBytes)
        {
            int length = Math.Min(gateway.ChunkBytes, file.Length - offset);
            await responseStream.WriteAsync(new GlobalModelChunk { Data = UnsafeByteOperations.UnsafeWrap(file.AsMemory(offset, length)) }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task<UploadReply> UploadResult(IAsyncStreamReader<ResultChunk> requestStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken).ConfigureAwait(false) || requestStream.Current.PartCase != ResultChunk.PartOneofCase.Header)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "An upload starts with a ResultHeader message."));
        var header = requestStream.Current.Header;
        CallerIdentity.Authorize(context, header.ClientId);
        if (header.PayloadBytes is < 0 or > MaxPayloadBytes)
            return await RefuseAsync(header, $"declared payload of {header.PayloadBytes} bytes is outside [0, {MaxPayloadBytes}]", cancellationToken).ConfigureAwait(false);

        if (WireMapping.FromProto(header.Codec) is not { } codec)
            return await RefuseAsync(header, $"unknown codec {header.Codec}", cancellationToken).ConfigureAwait(false);

        int length = (int)header.PayloadBytes;
        byte[] buffer = await uploads.RentAsync(length, cancellationToken).ConfigureAwait(false);
        try
        {
            string? framing = await ChunkedRequest.ReadAsync(requestStream, static c => c.PartCase == ResultChunk.PartOneofCase.Data ? c.Data : null,
                buffer, length, "upload", cancellationToken, UploadChunkPool.Return).ConfigureAwait(false);
            if (framing is not null) return await RefuseAsync(header, framing, cancellationToken).ConfigureAwait(false);

            var metrics = new Dictionary<string, double>(header.Metrics, StringComparer.Ordinal);
            // The gateway is done with the payload when SubmitAsync returns (it keeps no reference), so the buffer can go back.
            var outcome = await gateway.SubmitAsync(
                new ResultSubmission(header.ClientId, header.TaskId, header.ExampleCount, metrics, buffer.AsMemory(0, length), header.Error.Length > 0 ? header.Error : null, codec)
                { Signature = header.Signature.Memory, PolicyRefusal = header.PolicyRefusal },
                cancellationToken).ConfigureAwait(false);
            return new UploadReply { Accepted = outcome.Accepted, Reason = outcome.Reason ?? "" };
        }
        finally
        {
            uploads.Return(buffer);
        }
    }

    public override async Task<SecureStepReply> SecureAggregationStep(IAsyncStreamReader<SecureStepChunk> requestStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken).ConfigureAwait(false) || requestStream.Current.PartCase != SecureStepChunk.PartOneofCase.Header)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A secure-aggregation step starts with a SecureStepHeader message."));
        var header = requestStream.Current.Header;
        CallerIdentity.Authorize(context, header.ClientId);
        if (header.PayloadBytes is < 0 or > MaxPayloadBytes)
            return Refused($"declared message of {header.PayloadBytes} bytes is outside [0, {MaxPayloadBytes}]");

        int length = (int)header.PayloadBytes;
        byte[] buffer = await uploads.RentAsync(length, cancellationToken).ConfigureAwait(false);
        Task<SecureStepOutcome> step;
        try
        {
            string? framing = await ChunkedRequest.ReadAsync(requestStream, static c => c.PartCase == SecureStepChunk.PartOneofCase.Data ? c.Data : null,
                buffer, length, "step", cancellationToken).ConfigureAwait(false);
            if (framing is not null) return Refused(framing);
            // The gateway reads the message before its task first waits, so the buffer (and the upload
            // slot) goes back now, not when the phase closes: waiting steps must not hold slots.
            step = gateway.SecureStepAsync(header.ClientId, header.TaskId, (int)header.Phase, buffer.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            uploads.Return(buffer);
        }
        return WireMapping.ToProto(await step.ConfigureAwait(false));
    }

    private static SecureStepReply Refused(string reason) => new() { Outcome = SecureStepReply.Types.Outcome.Rejected, Reason = reason };

    public override Task<HeartbeatReply> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        CallerIdentity.Authorize(context, request.ClientId);
        return Task.FromResult(new HeartbeatReply { Known = gateway.Heartbeat(request.ClientId) });
    }

    private async Task<UploadReply> RefuseAsync(ResultHeader header, string reason, CancellationToken cancellationToken)
    {
        await gateway.RejectMalformedAsync(header.ClientId, header.TaskId, reason, cancellationToken).ConfigureAwait(false);
        return new UploadReply { Accepted = false, Reason = reason };
    }

    private static RpcException UnknownClient(string clientId) =>
        new(new Status(StatusCode.NotFound, ClientGateway.UnknownClientDetail(clientId)));
}
