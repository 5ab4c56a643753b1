using System.Globalization;
using Federated.Coordinator.Persistence;
using Federated.Shared.Codecs;
using Federated.Shared.Serialization;
using Microsoft.Extensions.Logging;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Coordinator.Rounds;

/// <summary>
/// FedBuff (Nguyen et al. 2022): instead of rounds that wait for a cohort, the coordinator keeps
/// <c>Concurrency</c> clients training on the newest model, refills a slot the moment it frees, and
/// steps the global model every K updates, weighting each by its staleness. Each step is stored as
/// a round (input and output model, metrics), so restarts, reports and evaluation work as for
/// synchronous rounds; tasks each have their own deadline (<c>RoundTimeout</c>).
/// </summary>
public sealed partial class RoundOrchestrator
{
    /// <summary>How often the loop wakes without news: task deadlines and returning clients.</summary>
    private static readonly TimeSpan BufferedPollInterval = TimeSpan.FromMilliseconds(500);

    private async Task<ModelSnapshot> RunBufferedAsync(long lastRound, ModelSnapshot global, CancellationToken cancellationToken)
    {
        var settings = _options.FedBuff;
        long firstRound = lastRound + 1;
        if (firstRound > _options.Rounds) return global;
        LogWaitingForClients(_options.MinClients, firstRound);
        await registry.WaitForAvailableAsync(_options.MinClients, _options.ClientTimeout, cancellationToken).ConfigureAwait(false);

        var stage = new RoundStage(firstRound, global.Parameters.Layout, settings);
        var model = global.Parameters.Clone();
        var random = new Random(HashCode.Combine(_options.Seed, firstRound));
        var stepStartedAt = time.GetUtcNow();
        // The round whose input is the newest applied model, which every new task carries. The stage's
        // open step runs ahead of it while full buffers wait to be applied, so tasks are numbered from
        // this, not from the stage: a task's round must be started in the store, and its staleness
        // must count from the model it was given.
        long modelRound = firstRound;
        await store.StartRoundAsync(firstRound, global.ContentHash, stepStartedAt, cancellationToken).ConfigureAwait(false);
        runtime.Open(stage);
        LogBufferedStarted(firstRound, settings.BufferSize, settings.Concurrency, settings.MaxStaleness);
        int issued = 0;
        try
        {
            while (true)
            {
                while (stage.TryTakeFullStep(out long round, out var buffer))
                {
                    var metrics = new Dictionary<string, double>
                    {
                        ["fit_results"] = buffer.Count,
                        ["fedbuff_weight_sum"] = buffer.WeightSum,
                        ["fedbuff_mean_staleness"] = (double)buffer.StalenessSum / buffer.Count,
                        ["fedbuff_max_staleness"] = buffer.MaxStaleness,
                        ["fit_refused"] = stage.Refused,
                        ["fit_clipped"] = stage.Clipped,
                        ["bytes_sent"] = stage.BytesSent,
                        ["bytes_received"] = stage.BytesReceived,
                    };
                    buffer.ApplyTo(model.Values, settings.ServerLearningRate);
                    stage.Recycle(buffer);
                    var finishedAt = time.GetUtcNow();
                    metrics["fit_seconds"] = (finishedAt - stepStartedAt).TotalSeconds;
                    global = await CompleteBufferedStepAsync(round, global, new ModelSnapshot(round, global.Architecture, model.Clone()), metrics, finishedAt, cancellationToken).ConfigureAwait(false);
                    if (round >= _options.Rounds) return global;
                    stepStartedAt = time.GetUtcNow();
                    modelRound = round + 1;
                    await store.StartRoundAsync(modelRound, global.ContentHash, stepStartedAt, cancellationToken).ConfigureAwait(false);
                }

                var now = time.GetUtcNow();
                foreach (string taskId in stage.ExpireOverdue(now))
                    await store.UpdateTaskStatusAsync(taskId, TaskStatus.TimedOut, "no result before the task's deadline", now, cancellationToken).ConfigureAwait(false);
                issued = await IssueBufferedTasksAsync(stage, global, modelRound, random, issued, cancellationToken).ConfigureAwait(false);

                var changed = stage.Changed;
                await Task.WhenAny(changed, Task.Delay(BufferedPollInterval, time, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            stage.Close();
            runtime.Clear(stage);
        }
    }

    /// <summary>Stores a server step as a completed round, serves its model, evaluates it centrally, and tells observers.</summary>
    private async Task<ModelSnapshot> CompleteBufferedStepAsync(long round, ModelSnapshot previous, ModelSnapshot next, Dictionary<string, double> metrics, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        byte[] file = ModelFile.ToBytes(next);
        await store.SaveModelAsync(next.ContentHash, file, cancellationToken).ConfigureAwait(false);
        await store.FinishRoundAsync(round, RoundStatus.Completed, next.ContentHash, null, finishedAt, cancellationToken).ConfigureAwait(false);
        // Older models stay downloadable from the store: a slow client may still ask for the one its task named.
        runtime.Publish(next.ContentHash, file, previous.ContentHash);
        if (centralEvaluator is not null)
        {
            var central = await centralEvaluator.EvaluateAsync(next.Architecture!, next.Parameters, cancellationToken).ConfigureAwait(false);
            metrics["central_loss"] = central.Loss;
            metrics["central_accuracy"] = central.Accuracy;
            metrics["central_examples"] = central.ExampleCount;
        }
        await store.SetRoundMetricsAsync(round, metrics, cancellationToken).ConfigureAwait(false);
        LogBufferedStep(round, (int)metrics["fit_results"], metrics["fedbuff_mean_staleness"], (int)metrics["fedbuff_max_staleness"]);
        if (_observers.Length > 0)
        {
            var record = await store.GetRoundAsync(round, cancellationToken).ConfigureAwait(false);
            foreach (var observer in _observers) await observer.RoundFinishedAsync(record!, cancellationToken).ConfigureAwait(false);
        }
        return next;
    }

    /// <summary>Hands the newest model (the input of <paramref name="round"/>) to free available clients, at random, until <c>Concurrency</c> are training.</summary>
    private async Task<int> IssueBufferedTasksAsync(RoundStage stage, ModelSnapshot global, long round, Random random, int issued, CancellationToken cancellationToken)
    {
        var busy = stage.BusyClients();
        int wanted = _options.FedBuff.Concurrency - busy.Count;
        if (wanted <= 0) return issued;
        var free = new List<string>();
        foreach (string clientId in registry.Available(_options.ClientTimeout))
        {
            if (!busy.Contains(clientId)) free.Add(clientId);
        }
        if (free.Count == 0) return issued;
        var candidates = free.ToArray();
        random.Shuffle(candidates);

        runtime.TryGetModel(global.ContentHash, out var modelFile);
        string architecture = global.Architecture!.ToCanonicalString();
        var now = time.GetUtcNow();
        var deadline = now + _options.RoundTimeout;
        for (int i = 0; i < Math.Min(wanted, candidates.Length); i++)
        {
            if (!registry.TryGet(candidates[i], out var session)) continue;
            string taskId = string.Create(CultureInfo.InvariantCulture, $"s{round}-fit-{issued++}-{Guid.NewGuid():N}");
            var modelCodec = CodecNegotiation.Choose(session.Codecs, _options.ModelCodecs);
            var updateCodec = CodecNegotiation.Choose(session.Codecs, _options.UpdateCodecs);
            long modelBytes = runtime.GetEncodedModel(global.ContentHash, modelCodec)?.Length ?? modelFile?.Length ?? 0;
            var task = new TaskAssignment(taskId, round, TaskKind.Fit, global.ContentHash, modelBytes, architecture,
                strategy.ConfigureFit(round, session.ClientId, issued), deadline, modelCodec, updateCodec);
            stage.CountCodecs(modelCodec, updateCodec);
            await store.AddTaskAsync(new TaskRecord(taskId, round, session.ClientId, TaskKind.Fit, global.ContentHash, now, deadline, TaskStatus.Issued, null, null), cancellationToken).ConfigureAwait(false);
            stage.AddBufferedTask(taskId, session.ClientId, round, deadline);
            session.Inbox.Writer.TryWrite(task);
        }
        return issued;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "FedBuff from step {Round}: buffer {BufferSize}, {Concurrency} clients training at once, staleness bound {MaxStaleness}")]
    private partial void LogBufferedStarted(long round, int bufferSize, int concurrency, int maxStaleness);

    [LoggerMessage(Level = LogLevel.Information, Message = "FedBuff step {Round}: {Updates} updates, mean staleness {MeanStaleness:0.00}, max {MaxStaleness}")]
    private partial void LogBufferedStep(long round, int updates, double meanStaleness, int maxStaleness);
}
