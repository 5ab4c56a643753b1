using System.Globalization;
using Federated.Client.Caching;
using Federated.Client.Connection;
using Federated.Client.Trust;
using Federated.Protocol;
using Federated.Shared.Codecs;
using Federated.Shared.Metrics;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;
using Federated.Shared.Training;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Federated.Client;

/// <summary>How a client's participation ended.</summary>
public sealed record ClientRunSummary(int TasksCompleted, string FinishReason, string? FinalModelHash);

/// <summary>
/// A client's task loop: join, pull a task, fetch the model (from cache when it has it), train or
/// evaluate with the <see cref="ILocalTrainer"/>, hand the result in, repeat until the coordinator
/// says the federation is over. Losing the coordinator is expected (restarts, flaky networks): the
/// loop waits with exponential backoff, says so in the log, and resumes with the same client id.
/// </summary>
public sealed partial class FederatedClient
{
    private readonly ICoordinatorConnection _connection;
    private readonly ILocalTrainer _trainer;
    private readonly FederatedClientOptions _options;
    private readonly IModelCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private string _clientId = "";
    private int _chunkBytes = 1 << 20;
    private TimeSpan _heartbeatInterval = TimeSpan.FromSeconds(10);
    private TopKSparsifier? _sparsifier;
    private readonly ClientTrust? _trust;
    private Privacy.UpdatePrivacy? _privacy;

    /// <param name="cache">Where models are kept; by default a folder (<see cref="FederatedClientOptions.CacheDirectory"/>).</param>
    /// <param name="time">The clock that task deadlines are read against (simulations run on a simulated one).</param>
    public FederatedClient(ICoordinatorConnection connection, ILocalTrainer trainer, FederatedClientOptions options, ILogger<FederatedClient>? logger = null,
        IModelCache? cache = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _trainer = trainer;
        _options = options;
        _cache = cache ?? new ModelCache(options.CacheDirectory);
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _trust = ClientTrust.From(options);
    }

    /// <summary>The id the coordinator gave this client (empty before the first join).</summary>
    public string ClientId => _clientId;

    public async Task<ClientRunSummary> RunAsync(CancellationToken cancellationToken)
    {
        await JoinAsync(cancellationToken).ConfigureAwait(false);
        int completed = 0;
        while (true)
        {
            var reply = await CallAsync("poll for a task",
                ct => _connection.PullTaskAsync(new PullTaskRequest { ClientId = _clientId, WaitMs = (int)_options.PollWait.TotalMilliseconds }, ct),
                cancellationToken).ConfigureAwait(false);
            switch (reply.OutcomeCase)
            {
                case PullTaskReply.OutcomeOneofCase.Task:
                    if (await DoTaskAsync(reply.Task, cancellationToken).ConfigureAwait(false)) completed++;
                    break;
                case PullTaskReply.OutcomeOneofCase.Finished:
                    LogFinished(reply.Finished.Reason, completed);
                    return new ClientRunSummary(completed, reply.Finished.Reason, reply.Finished.FinalModelHash.Length > 0 ? reply.Finished.FinalModelHash : null);
                case PullTaskReply.OutcomeOneofCase.Idle when reply.Idle.RetryAfterMs > 0:
                    await Task.Delay(reply.Idle.RetryAfterMs, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    break;
            }
        }
    }

    private async Task JoinAsync(CancellationToken cancellationToken)
    {
        var request = new JoinRequest { Name = _options.Name, ClientId = _clientId.Length > 0 ? _clientId : _trust?.Identity ?? "" };
        foreach (var codec in _options.Codecs) request.Codecs.Add((Codec)codec);
        foreach (var (key, value) in _options.Properties) request.Properties[key] = value;
        var reply = await CallAsync("join", ct => _connection.JoinAsync(request, ct), cancellationToken, rejoinOnUnknown: false).ConfigureAwait(false);
        _clientId = reply.ClientId;
        if (reply.MaxChunkBytes > 0) _chunkBytes = reply.MaxChunkBytes;
        if (reply.HeartbeatIntervalMs > 0) _heartbeatInterval = TimeSpan.FromMilliseconds(reply.HeartbeatIntervalMs);
        LogJoined(_connection.Address, _clientId);
        _trust?.Joined(_connection.Address, _clientId);
    }

    /// <returns>True when the coordinator accepted the result.</returns>
    private async Task<bool> DoTaskAsync(TaskSpec task, CancellationToken cancellationToken)
    {
        LogTaskReceived(task.Kind, task.TaskId, task.Round);
        var header = new ResultHeader { ClientId = _clientId, TaskId = task.TaskId };
        byte[] payload = [];
        var timeLeft = task.Deadline.ToDateTimeOffset() - _time.GetUtcNow();
        using var deadlineTimer = new CancellationTokenSource(timeLeft > TimeSpan.Zero ? timeLeft : TimeSpan.Zero, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadlineTimer.Token);
        using var heartbeat = StartHeartbeat(task.TaskId, deadline.Token);
        try
        {
            _trust?.CheckPolicy(task);
            var architecture = ModelArchitecture.Parse(task.Architecture);
            var model = task.ModelCodec == Codec.Fp32
                ? await GetModelAsync(task.ModelHash, deadline.Token).ConfigureAwait(false)
                : await GetEncodedModelAsync(task, architecture, deadline.Token).ConfigureAwait(false);
            if (!model.Parameters.Layout.Equals(architecture.Layout))
                throw new InvalidDataException($"Model {task.ModelHash} does not have the layout of the task's architecture '{architecture}'.");
            if (_trust is not null) await _trust.VerifyModelAsync(task, ct => DownloadAsync(task.ModelHash, ct, task.ModelCodec), deadline.Token).ConfigureAwait(false);

            if (task.Kind == Protocol.TaskKind.Fit)
            {
                var fit = await _trainer.FitAsync(architecture, model.Parameters, ToConfig(task.Train), deadline.Token).ConfigureAwait(false);
                // Clip and noise before the update is encoded or masked (the task's PrivacySpec).
                _privacy ??= new Privacy.UpdatePrivacy(_options.PrivacyNoiseSeed);
                fit = _privacy.Apply(task.Privacy, fit, masked: !task.SecureAggregation.IsEmpty, out bool withinClipNorm);
                header.WithinClipNorm = withinClipNorm;
                if (!task.SecureAggregation.IsEmpty)
                    return await RunSecureAggregationAsync(task, fit, deadline.Token).ConfigureAwait(false);
                payload = EncodeUpdate(fit.Delta, task);
                header.ExampleCount = fit.ExampleCount;
                header.Codec = task.UpdateCodec;
                foreach (var (name, value) in fit.Metrics) header.Metrics[name] = value;
            }
            else
            {
                var evaluation = await _trainer.EvaluateAsync(architecture, model.Parameters, deadline.Token).ConfigureAwait(false);
                header.ExampleCount = evaluation.ExampleCount;
                foreach (var (name, value) in evaluation.Metrics) header.Metrics[name] = value;
                header.Metrics["loss"] = evaluation.Loss;
                header.Metrics["accuracy"] = evaluation.Accuracy;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogMissedDeadline(task.TaskId, task.Round);
            return false;
        }
        catch (SitePolicyRefusedException e)
        {
            // The site's own decision, not a failure: reported as a policy refusal.
            LogPolicyRefused(task.TaskId, e.Message);
            (header.Error, header.PolicyRefusal, payload) = (e.Message, true, []);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CoordinatorUnreachableException)
        {
            // Tell the coordinator instead of going silent, so the round need not wait for its deadline.
            LogTaskFailed(e, task.TaskId);
            header.Error = $"{e.GetType().Name}: {e.Message}";
            payload = [];
        }

        header.PayloadBytes = payload.Length;
        if (payload.Length > 0) _trust?.SignUpdate(header, task.Round, payload);
        var reply = await CallAsync("upload a result",
            ct => _connection.UploadResultAsync(header, payload, _chunkBytes, ct), cancellationToken).ConfigureAwait(false);
        _trust?.Answered(header, reply);
        if (!reply.Accepted) LogResultRefused(task.TaskId, reply.Reason);
        else if (header.Error.Length == 0)
        {
            string summary = Describe(header);
            LogResultAccepted(task.TaskId, task.Round, summary);
        }
        return reply.Accepted && header.Error.Length == 0;
    }

    private async Task<ModelSnapshot> GetModelAsync(string contentHash, CancellationToken cancellationToken)
    {
        var cached = _cache.TryLoad(contentHash, out string? discarded);
        if (discarded is not null) LogCacheDiscarded(contentHash, discarded);
        if (cached is not null) return cached;

        // A download that does not hash to what was asked for is fetched once more before giving up.
        for (int attempt = 1; ; attempt++)
        {
            byte[] file = await DownloadAsync(contentHash, cancellationToken).ConfigureAwait(false);
            try
            {
                var model = _cache.Store(contentHash, file);
                LogDownloaded(contentHash, file.Length);
                return model;
            }
            catch (ModelFileException e) when (attempt < 2)
            {
                LogDownloadRejected(contentHash, e.Message);
            }
        }
    }

    /// <summary>
    /// The update as the task asks for it: a model file for FP32, an encoded payload otherwise;
    /// sparse (top-k with error feedback) when configured.
    /// </summary>
    private byte[] EncodeUpdate(ParameterBuffer delta, TaskSpec task)
    {
        var codec = (CodecKind)task.UpdateCodec;
        int seed = unchecked((int)(task.Train?.Seed ?? 0));
        if (_options.TopKFraction > 0)
        {
            if (_sparsifier is null || !_sparsifier.Layout.Equals(delta.Layout))
                _sparsifier = new TopKSparsifier(delta.Layout, _options.TopKFraction);
            return ParameterCodec.EncodeSparse(_sparsifier.Sparsify(delta.Values), codec, seed);
        }
        return codec == CodecKind.Fp32
            ? ModelFile.ToBytes(new ModelSnapshot(task.Round, null, delta))
            : ParameterCodec.Encode(delta, codec, seed);
    }

    /// <summary>A model sent quantized (FP16, INT8): decoded against the task's architecture; its payload's checksum guards it.</summary>
    private async Task<ModelSnapshot> GetEncodedModelAsync(TaskSpec task, ModelArchitecture architecture, CancellationToken cancellationToken)
    {
        var codec = (CodecKind)task.ModelCodec;
        if (_cache.TryGetDecoded(task.ModelHash, codec) is { } cached) return cached;
        for (int attempt = 1; ; attempt++)
        {
            byte[] payload = await DownloadAsync(task.ModelHash, cancellationToken, task.ModelCodec).ConfigureAwait(false);
            try
            {
                var model = new ModelSnapshot(task.Round - 1, architecture, ParameterCodec.Decode(payload, architecture.Layout));
                _cache.KeepDecoded(task.ModelHash, codec, model);
                LogDownloaded(task.ModelHash, payload.Length);
                return model;
            }
            catch (CodecException e) when (attempt < 2)
            {
                LogDownloadRejected(task.ModelHash, e.Message);
            }
        }
    }

    /// <summary>Downloads the whole model, resuming from where a dropped stream stopped.</summary>
    private async Task<byte[]> DownloadAsync(string contentHash, CancellationToken cancellationToken, Codec codec = Codec.Fp32)
    {
        using var buffer = new MemoryStream();
        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff);
        while (true)
        {
            try
            {
                long total = await _connection.DownloadModelAsync(_clientId, contentHash, codec, buffer.Length, buffer, cancellationToken).ConfigureAwait(false);
                if (buffer.Length >= total)
                {
                    byte[] bytes = buffer.ToArray();
                    _trust?.Downloaded(contentHash, codec, bytes);
                    return bytes;
                }
                throw new RpcException(new Status(StatusCode.Unavailable, $"the download stopped after {buffer.Length} of {total} bytes"));
            }
            catch (RpcException e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                await WaitBeforeRetryAsync(backoff, "download a model", e, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && e.Status.Detail.StartsWith("Unknown client", StringComparison.Ordinal))
            {
                await JoinAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs one call, retrying transient failures with backoff and rejoining when the coordinator forgot this client.</summary>
    private async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool rejoinOnUnknown = true)
    {
        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff);
        while (true)
        {
            try
            {
                var result = await call(cancellationToken).ConfigureAwait(false);
                if (backoff.Attempt > 0) LogReconnected(_connection.Address);
                return result;
            }
            catch (RpcException e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                await WaitBeforeRetryAsync(backoff, what, e, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (rejoinOnUnknown && e.StatusCode == StatusCode.NotFound && e.Status.Detail.StartsWith("Unknown client", StringComparison.Ordinal))
            {
                LogRejoining(_clientId);
                await JoinAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitBeforeRetryAsync(Backoff backoff, string what, RpcException error, CancellationToken cancellationToken)
    {
        if (_options.MaxAttempts > 0 && backoff.Attempt + 1 >= _options.MaxAttempts)
            throw new CoordinatorUnreachableException(
                $"Could not {what}: the coordinator at {_connection.Address} did not answer after {backoff.Attempt + 1} attempts ({error.Status.Detail}). Check that it runs and that the address is right.", error);
        var delay = backoff.Next();
        LogUnreachable(_connection.Address, what, error.Status.Detail, delay.TotalSeconds, backoff.Attempt);
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown or StatusCode.Aborted or StatusCode.Cancelled;

    /// <summary>Keeps the client counted as alive while it trains; failures here are ignored (the task loop reports them).</summary>
    private PeriodicHeartbeat StartHeartbeat(string taskId, CancellationToken cancellationToken) =>
        new(_heartbeatInterval, async ct =>
        {
            try
            {
                await _connection.HeartbeatAsync(new HeartbeatRequest { ClientId = _clientId, TaskId = taskId }, ct).ConfigureAwait(false);
            }
            catch (RpcException)
            {
            }
        }, cancellationToken);

    private static TrainingConfig ToConfig(TrainConfig? train)
    {
        if (train is null) return new TrainingConfig();
        var config = new TrainingConfig
        {
            Epochs = train.Epochs,
            BatchSize = train.BatchSize,
            LearningRate = train.LearningRate,
            Optimizer = train.Optimizer == Optimizer.Adam ? OptimizerKind.Adam : OptimizerKind.Sgd,
            Momentum = train.Momentum,
            WeightDecay = train.WeightDecay,
            Seed = train.Seed,
            ProximalMu = train.ProximalMu,
        };
        config.Validate();
        return config;
    }

    private static string Describe(ResultHeader header) =>
        MetricsText.Format(header.Metrics, string.Create(CultureInfo.InvariantCulture, $"examples={header.ExampleCount}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined the coordinator at {Address} as client {ClientId}")]
    private partial void LogJoined(string address, string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Got {Kind} task {TaskId} of round {Round}")]
    private partial void LogTaskReceived(Protocol.TaskKind kind, string taskId, long round);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} of round {Round} done: {Summary}")]
    private partial void LogResultAccepted(string taskId, long round, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The coordinator refused the result of task {TaskId}: {Reason}")]
    private partial void LogResultRefused(string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} of round {Round} passed its deadline before it was done; skipping it")]
    private partial void LogMissedDeadline(string taskId, long round);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} failed; telling the coordinator")]
    private partial void LogTaskFailed(Exception exception, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} refused by this site's policy: {Reason}")]
    private partial void LogPolicyRefused(string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded model {Hash} ({Bytes} bytes)")]
    private partial void LogDownloaded(string hash, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Downloaded model {Hash} failed its checks ({Reason}); downloading it again")]
    private partial void LogDownloadRejected(string hash, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cached model {Hash} was damaged ({Reason}); downloading it again")]
    private partial void LogCacheDiscarded(string hash, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Coordinator at {Address} unreachable while trying to {What} ({Detail}); retrying in {Seconds:0.0} s (attempt {Attempt})")]
    private partial void LogUnreachable(string address, string what, string detail, double seconds, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reached the coordinator at {Address} again")]
    private partial void LogReconnected(string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The coordinator no longer knows client {ClientId}; joining again")]
    private partial void LogRejoining(string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Federation finished ({Reason}); this client completed {Tasks} tasks")]
    private partial void LogFinished(string reason, int tasks);
}
