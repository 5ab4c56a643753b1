using System.Globalization;
using Federated.Coordinator.Evaluation;
using Federated.Coordinator.Options;
using Federated.Coordinator.Persistence;
using Federated.Coordinator.Strategies;
using Federated.Shared.Codecs;
using Federated.Shared.Metrics;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskStatus = Federated.Coordinator.Persistence.TaskStatus;

namespace Federated.Coordinator.Rounds;

/// <summary>
/// Runs the federation: waits for clients, then per round hands out training tasks, collects
/// updates until every selected client answered or the deadline passed, aggregates with the
/// strategy, checkpoints the new global model, and evaluates it (on clients, and centrally when
/// an evaluator is registered). A restarted coordinator resumes after its last finished round.
/// </summary>
public sealed partial class RoundOrchestrator(
    FederationRuntime runtime,
    ClientRegistry registry,
    ICoordinatorStore store,
    IStrategy strategy,
    IOptions<FederationOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<RoundOrchestrator> logger,
    IEnumerable<IRoundObserver> observers,
    ICentralEvaluator? centralEvaluator = null) : BackgroundService
{
    private readonly FederationOptions _options = options.Value;
    private readonly IRoundObserver[] _observers = observers.ToArray();
    private readonly Privacy.FederationPrivacy _privacy = new(options.Value, logger);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogFederationFailed(e);
            runtime.Finish(null, $"the coordinator failed: {e.Message}");
            lifetime.StopApplication();
            throw;
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var architecture = ModelZoo.Resolve(_options.Model);
        runtime.Architecture = architecture;
        var (lastRound, global) = await LoadOrCreateGlobalModelAsync(architecture, cancellationToken).ConfigureAwait(false);

        if (_options.Mode == FederationMode.FedBuff) global = await RunBufferedAsync(lastRound, global, cancellationToken).ConfigureAwait(false);
        else for (long round = lastRound + 1; round <= _options.Rounds; round++)
        {
            foreach (var observer in _observers) await observer.BeforeRoundAsync(round, cancellationToken).ConfigureAwait(false);
            LogWaitingForClients(_options.MinClients, round);
            var available = await registry.WaitForAvailableAsync(_options.MinClients, _options.ClientTimeout, cancellationToken).ConfigureAwait(false);
            global = await RunTrainingRoundAsync(round, global, available, cancellationToken).ConfigureAwait(false);
            await EvaluateAsync(round, global, cancellationToken).ConfigureAwait(false);
            if (_observers.Length > 0)
            {
                var record = await store.GetRoundAsync(round, cancellationToken).ConfigureAwait(false);
                foreach (var observer in _observers) await observer.RoundFinishedAsync(record!, cancellationToken).ConfigureAwait(false);
            }
        }

        runtime.Finish(global.ContentHash, $"all {_options.Rounds} rounds are done");
        LogFinished(_options.Rounds, global.ContentHash);
        foreach (var record in await store.GetRoundsAsync(cancellationToken).ConfigureAwait(false))
        {
            string summary = Summarize(record);
            LogRoundSummary(record.Round, summary);
        }
        if (_options.ExitWhenDone)
        {
            // Give long-polling clients a moment to hear that the federation is over.
            await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken).ConfigureAwait(false);
            lifetime.StopApplication();
        }
    }

    private async Task<(long Round, ModelSnapshot Global)> LoadOrCreateGlobalModelAsync(ModelArchitecture architecture, CancellationToken cancellationToken)
    {
        var rounds = await store.GetRoundsAsync(cancellationToken).ConfigureAwait(false);
        _privacy.Restore(rounds);
        foreach (var interrupted in rounds)
        {
            // A round the coordinator stopped in cannot be finished: its updates were in memory.
            if (interrupted.Status != RoundStatus.Running) continue;
            await store.FinishRoundAsync(interrupted.Round, RoundStatus.Failed, null, "the coordinator stopped during the round", time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        for (int i = rounds.Count - 1; i >= 0; i--)
        {
            var record = rounds[i];
            string? hash = record.Status == RoundStatus.Completed ? record.OutputModelHash : null;
            if (hash is null) continue;
            var bytes = await store.GetModelAsync(hash, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Round {record.Round}'s model {hash} is missing from the store.");
            var snapshot = ModelFile.Read(bytes, hash, $"checkpoint of round {record.Round}");
            await RestoreStrategyStateAsync(record.Round, cancellationToken).ConfigureAwait(false);
            if (snapshot.Architecture is not null && !snapshot.Architecture.Equals(architecture))
                throw new InvalidOperationException($"The database '{_options.DatabasePath}' holds a federation of model '{snapshot.Architecture}', not the configured '{architecture}'. Use another Federation:DatabasePath.");
            long resumeAfter = rounds[^1].Round;
            runtime.Publish(snapshot.ContentHash, bytes, null);
            LogResuming(record.Round, resumeAfter + 1);
            return (resumeAfter, snapshot);
        }

        var initial = new ModelSnapshot(0, architecture, ParameterInitializer.Initialize(architecture, _options.Seed));
        byte[] file = ModelFile.ToBytes(initial);
        await store.SaveModelAsync(initial.ContentHash, file, cancellationToken).ConfigureAwait(false);
        runtime.Publish(initial.ContentHash, file, null);
        long last = rounds.Count > 0 ? rounds[^1].Round : 0;
        LogInitialModel(architecture.Layout.TotalLength, initial.ContentHash);
        return (last, initial);
    }

    /// <summary>Gives the strategy back the state it had after <paramref name="round"/>, if it saved one.</summary>
    private async Task RestoreStrategyStateAsync(long round, CancellationToken cancellationToken)
    {
        if (await store.GetStrategyStateAsync(round, cancellationToken).ConfigureAwait(false) is not { } saved) return;
        if (!string.Equals(saved.Strategy, strategy.Name, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"The database '{_options.DatabasePath}' was run with strategy {saved.Strategy}, not the configured {strategy.Name}. Use another Federation:DatabasePath.");
        strategy.LoadState(saved.State);
    }

    private async Task<ModelSnapshot> RunTrainingRoundAsync(long round, ModelSnapshot global, IReadOnlyList<string> available, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        await store.StartRoundAsync(round, global.ContentHash, startedAt, cancellationToken).ConfigureAwait(false);
        var selected = strategy.SelectClients(round, available);
        var secureSettings = _options.SecureAggregation;
        bool secure = secureSettings.Enabled;
        // A secure round runs its three protocol phases after training, each with its own timeout.
        var deadline = startedAt + _options.RoundTimeout + (secure ? 3 * secureSettings.PhaseTimeout : TimeSpan.Zero);
        var privacy = _privacy.BeginRound(selected.Count, available.Count);
        var stage = new RoundStage(round, TaskKind.Fit, deadline, global.Parameters.Layout,
            _privacy.Wrap(strategy.CreateAggregator(global.Parameters), global.Parameters.Length, selected.Count));
        LogRoundStarted(round, selected.Count, available.Count, strategy.Name);

        await IssueAsync(stage, global, selected, (clientId, index) => strategy.ConfigureFit(round, clientId, index), cancellationToken, privacy).ConfigureAwait(false);
        int results;
        var secureMetrics = new Dictionary<string, double>();
        if (stage.Secure is { } secureRound)
            results = await RunSecureRoundAsync(stage, secureRound, startedAt + _options.RoundTimeout, secureMetrics, cancellationToken).ConfigureAwait(false);
        else
        {
            await CloseWhenDoneAsync(stage, cancellationToken).ConfigureAwait(false);
            results = stage.Aggregator!.Count;
        }

        var aggregator = stage.Aggregator!;
        var finishedAt = time.GetUtcNow();
        // Failed rounds keep their numbers too: who answered, who was refused, what travelled.
        var metrics = new Dictionary<string, double>
        {
            ["fit_results"] = results,
            ["fit_clients"] = selected.Count,
            ["fit_refused"] = stage.Refused,
            ["fit_clipped"] = stage.Clipped,
            ["bytes_sent"] = stage.BytesSent,
            ["bytes_received"] = stage.BytesReceived,
            ["fit_seconds"] = (finishedAt - startedAt).TotalSeconds,
        };
        foreach (var (name, count) in stage.CodecCounts()) metrics[name] = count;
        foreach (var (name, value) in secureMetrics) metrics[name] = value;
        ModelSnapshot next;
        try
        {
            string? failure = stage.Secure?.AbortReason is { } aborted
                ? $"secure aggregation aborted: {aborted}"
                : results < _options.MinResults
                    ? $"only {results} of the {_options.MinResults} required results arrived"
                    : null;
            ParameterBuffer? aggregated = null;
            if (failure is null)
            {
                try
                {
                    aggregated = aggregator.Finish();
                }
                catch (InvalidOperationException e)
                {
                    // e.g. a robust rule with too few updates for its assumed number of attackers.
                    failure = $"{strategy.Name} could not aggregate: {e.Message}";
                }
            }
            _privacy.EndRound(round, released: failure is null, results, metrics);
            if (failure is not null)
            {
                await store.FinishRoundAsync(round, RoundStatus.Failed, null, failure, finishedAt, cancellationToken).ConfigureAwait(false);
                await store.SetRoundMetricsAsync(round, metrics, cancellationToken).ConfigureAwait(false);
                LogRoundFailed(round, failure);
                return global;
            }
            next = new ModelSnapshot(round, global.Architecture, aggregated!);
        }
        finally
        {
            // Buffering strategies hold updates (possibly a spill file) until disposed.
            (aggregator as IDisposable)?.Dispose();
        }
        byte[] file = ModelFile.ToBytes(next);
        await store.SaveModelAsync(next.ContentHash, file, cancellationToken).ConfigureAwait(false);
        // The strategy's state moved with this round (server optimizer moments): keep it with the round.
        if (strategy.SaveState() is { } state)
            await store.SaveStrategyStateAsync(round, strategy.Name, state, cancellationToken).ConfigureAwait(false);
        await store.FinishRoundAsync(round, RoundStatus.Completed, next.ContentHash, null, finishedAt, cancellationToken).ConfigureAwait(false);
        await store.SetRoundMetricsAsync(round, metrics, cancellationToken).ConfigureAwait(false);
        runtime.Publish(next.ContentHash, file, global.ContentHash);
        // The replaced model is now unused: no longer served (retired above), its round's aggregator is
        // done, and its evaluation ran before this round. A strategy may sum a later round into its array.
        if (!ReferenceEquals(global.Parameters, next.Parameters)) (strategy as IReusesRetiredModels)?.Reuse(global.Parameters);
        LogRoundCompleted(round, results, selected.Count, (finishedAt - startedAt).TotalSeconds);
        return next;
    }

    private async Task EvaluateAsync(long round, ModelSnapshot global, CancellationToken cancellationToken)
    {
        var metrics = new Dictionary<string, double>();
        if (_options.FederatedEvaluation)
        {
            var available = registry.Available(_options.ClientTimeout);
            var selected = strategy.SelectClients(round, available);
            if (selected.Count > 0)
            {
                var stage = new RoundStage(round, TaskKind.Evaluate, time.GetUtcNow() + _options.EvaluationTimeout, global.Parameters.Layout, null);
                await IssueAsync(stage, global, selected, static (_, _) => null, cancellationToken).ConfigureAwait(false);
                await CloseWhenDoneAsync(stage, cancellationToken).ConfigureAwait(false);
                if (stage.EvaluationSummary() is { } summary)
                {
                    metrics["federated_loss"] = summary.Loss;
                    metrics["federated_accuracy"] = summary.Accuracy;
                    metrics["federated_examples"] = summary.Examples;
                }
            }
        }
        if (centralEvaluator is not null)
        {
            var central = await centralEvaluator.EvaluateAsync(global.Architecture!, global.Parameters, cancellationToken).ConfigureAwait(false);
            metrics["central_loss"] = central.Loss;
            metrics["central_accuracy"] = central.Accuracy;
            metrics["central_examples"] = central.ExampleCount;
        }
        if (metrics.Count == 0) return;
        await store.SetRoundMetricsAsync(round, metrics, cancellationToken).ConfigureAwait(false);
        string described = MetricsText.Format(metrics);
        LogEvaluation(round, described);
    }

    private async Task IssueAsync(RoundStage stage, ModelSnapshot global, IReadOnlyList<string> clients, Func<string, int, Shared.Training.TrainingConfig?> configure, CancellationToken cancellationToken, Privacy.TaskPrivacy? privacy = null)
    {
        runtime.TryGetModel(global.ContentHash, out var modelFile);
        var issuedAt = time.GetUtcNow();
        var selected = new List<(ClientSession Session, int Index, string TaskId)>(clients.Count);
        for (int i = 0; i < clients.Count; i++)
        {
            if (!registry.TryGet(clients[i], out var session)) continue;
            string taskId = string.Create(CultureInfo.InvariantCulture, $"r{stage.Round}-{(stage.Kind == TaskKind.Fit ? "fit" : "eval")}-{i}-{Guid.NewGuid():N}");
            selected.Add((session, i, taskId));
        }
        if (stage.Kind == TaskKind.Fit && _options.SecureAggregation.Enabled && selected.Count >= 3)
        {
            var tasks = new List<(string, string)>(selected.Count);
            foreach (var (session, _, taskId) in selected) tasks.Add((taskId, session.ClientId));
            stage.Secure = new SecureAggregationRound(stage.Round, tasks, global.Parameters.Length, _options.SecureAggregation);
            LogSecureRound(stage.Round, selected.Count, stage.Secure.Options.EffectiveNeighbourDegree, stage.Secure.Options.EffectiveThreshold);
        }

        var assignments = new List<(ClientSession Session, TaskAssignment Task)>(selected.Count);
        foreach (var (session, i, taskId) in selected)
        {
            var modelCodec = CodecNegotiation.Choose(session.Codecs, _options.ModelCodecs);
            // Masked updates are fixed-point integers: the update codec does not apply.
            var updateCodec = stage.Secure is null ? CodecNegotiation.Choose(session.Codecs, _options.UpdateCodecs) : CodecKind.Fp32;
            long modelBytes = runtime.GetEncodedModel(global.ContentHash, modelCodec)?.Length ?? modelFile?.Length ?? 0;
            var task = new TaskAssignment(taskId, stage.Round, stage.Kind, global.ContentHash, modelBytes,
                global.Architecture!.ToCanonicalString(), configure(session.ClientId, i), stage.Deadline, modelCodec, updateCodec,
                stage.Secure?.SetupFor(taskId)) { Privacy = privacy };
            stage.CountCodecs(modelCodec, updateCodec);
            await store.AddTaskAsync(new TaskRecord(taskId, stage.Round, session.ClientId, stage.Kind, global.ContentHash, issuedAt, stage.Deadline, TaskStatus.Issued, null, null), cancellationToken).ConfigureAwait(false);
            stage.AddTask(taskId, session.ClientId);
            assignments.Add((session, task));
        }
        // Open the window before any client can see its task, so no result finds it closed.
        runtime.Open(stage);
        foreach (var (session, task) in assignments) session.Inbox.Writer.TryWrite(task);
    }

    /// <summary>
    /// Runs a secure round's protocol phases, folds the revealed weighted mean into the aggregator as
    /// one update carrying the total weight (FedAvg of the sum equals FedAvg of the parts), records
    /// every task's outcome, and returns how many clients' updates the sum holds.
    /// </summary>
    private async Task<int> RunSecureRoundAsync(RoundStage stage, SecureAggregationRound secure, DateTimeOffset trainingDeadline, Dictionary<string, double> metrics, CancellationToken cancellationToken)
    {
        var result = await secure.RunAsync(time, trainingDeadline, _options.SecureAggregation.PhaseTimeout, cancellationToken).ConfigureAwait(false);
        var unanswered = stage.Close();
        runtime.Clear(stage);
        var included = secure.IncludedTasks();
        var now = time.GetUtcNow();
        var rejections = secure.Rejections;
        foreach (string taskId in unanswered)
        {
            if (included.Contains(taskId))
            {
                await store.UpdateTaskStatusAsync(taskId, TaskStatus.Completed, null, now, cancellationToken).ConfigureAwait(false);
                continue;
            }
            string? reason = null;
            int index = secure.IndexOf(taskId);
            for (int r = rejections.Count - 1; r >= 0 && reason is null; r--)
            {
                if (rejections[r].ClientIndex == index) reason = $"secure aggregation, phase {rejections[r].Phase}: {rejections[r].Reason}";
            }
            var status = reason is null ? TaskStatus.TimedOut : TaskStatus.Rejected;
            reason ??= secure.AbortReason is { } aborted
                ? $"secure aggregation aborted: {aborted}"
                : $"dropped out of round {stage.Round}'s secure aggregation";
            await store.UpdateTaskStatusAsync(taskId, status, reason, now, cancellationToken).ConfigureAwait(false);
        }
        // The protocol's own refusals (bad share, conflicting messages, too few neighbours), with the client they concern.
        foreach (var rejection in rejections)
        {
            var (taskId, clientId) = secure.TaskOf(rejection.ClientIndex);
            await store.AddRejectionAsync(new RejectionRecord(taskId, stage.Round, clientId, $"secure aggregation, phase {rejection.Phase}: {rejection.Reason}", now), cancellationToken).ConfigureAwait(false);
        }

        metrics["secagg_clients"] = secure.Options.ClientCount;
        metrics["secagg_neighbour_degree"] = secure.Options.EffectiveNeighbourDegree;
        metrics["secagg_threshold"] = secure.Options.EffectiveThreshold;
        metrics["secagg_included"] = included.Count;
        metrics["secagg_rejections"] = rejections.Count;
        if (result is null)
        {
            LogSecureAborted(stage.Round, secure.AbortReason ?? "unknown");
            return 0;
        }
        long weight = Math.Max(1, (long)Math.Round(result.TotalWeight));
        stage.Aggregator!.Accumulate(result.WeightedMean(), weight);
        return included.Count;
    }

    private async Task CloseWhenDoneAsync(RoundStage stage, CancellationToken cancellationToken)
    {
        var remaining = stage.Deadline - time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(remaining, time, deadline.Token);
            await Task.WhenAny(stage.AllAnswered, timer).ConfigureAwait(false);
            await deadline.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        var unanswered = stage.Close();
        runtime.Clear(stage);
        var now = time.GetUtcNow();
        foreach (string taskId in unanswered)
            await store.UpdateTaskStatusAsync(taskId, TaskStatus.TimedOut, $"no result before round {stage.Round}'s deadline", now, cancellationToken).ConfigureAwait(false);
        if (unanswered.Count > 0) LogTimedOut(unanswered.Count, stage.Kind, stage.Round);
    }

    private static string Summarize(RoundRecord record)
    {
        var parts = new List<string> { record.Status.ToString() };
        if (record.Metrics.TryGetValue("central_accuracy", out double central))
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"central accuracy {central:0.0000}"));
        if (record.Metrics.TryGetValue("federated_accuracy", out double federated))
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"federated accuracy {federated:0.0000}"));
        if (record.Metrics.TryGetValue("dp_epsilon", out double epsilon) && record.Metrics.TryGetValue("dp_delta", out double delta))
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"ε {epsilon:0.###} at δ {delta:G3}"));
        if (record.Metrics.TryGetValue("fit_seconds", out double seconds))
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"training {seconds:0.0} s"));
        if (record.FailureReason is not null) parts.Add(record.FailureReason);
        return string.Join(", ", parts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Round {Round}: secure aggregation over {Clients} clients, {Degree} neighbours each, threshold {Threshold}")]
    private partial void LogSecureRound(long round, int clients, int degree, int threshold);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Round {Round}: secure aggregation aborted: {Reason}")]
    private partial void LogSecureAborted(long round, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Initial model: {Parameters} parameters, content hash {Hash}")]
    private partial void LogInitialModel(int parameters, string hash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming from the model of round {Round}; next round is {Next}")]
    private partial void LogResuming(long round, long next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for {MinClients} clients before round {Round}")]
    private partial void LogWaitingForClients(int minClients, long round);

    [LoggerMessage(Level = LogLevel.Information, Message = "Round {Round}: asked {Selected} of {Available} available clients to train ({Strategy})")]
    private partial void LogRoundStarted(long round, int selected, int available, string strategy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Round {Round} completed with {Results} of {Selected} updates in {Seconds:0.0} s")]
    private partial void LogRoundCompleted(long round, int results, int selected, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Round {Round} failed: {Reason}; the global model is unchanged")]
    private partial void LogRoundFailed(long round, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} {Kind} tasks of round {Round} got no result before the deadline")]
    private partial void LogTimedOut(int count, TaskKind kind, long round);

    [LoggerMessage(Level = LogLevel.Information, Message = "Round {Round} evaluation: {Metrics}")]
    private partial void LogEvaluation(long round, string metrics);

    [LoggerMessage(Level = LogLevel.Information, Message = "Federation finished after {Rounds} rounds; final model {Hash}")]
    private partial void LogFinished(int rounds, string hash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Summary round {Round}: {Summary}")]
    private partial void LogRoundSummary(long round, string summary);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The federation stopped on an unexpected error")]
    private partial void LogFederationFailed(Exception exception);
}
