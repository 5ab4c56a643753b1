using Federated.Coordinator.Persistence;
using Federated.Coordinator.Strategies;
using Federated.Shared.Codecs;
using Federated.Shared.Parameters;

namespace Federated.Coordinator.Rounds;

/// <summary>
/// One open collection window: the fit (or evaluate) tasks of a round, and what came back.
/// Transports claim a task when a result arrives, then accept or refuse it; the orchestrator
/// closes the window at the deadline or once every task has an answer. All state changes hold
/// one lock, so a result can never slip into an aggregate after the window closed.
/// </summary>
public sealed class RoundStage
{
    private enum Answer { Pending, Claimed, Accepted, Refused }

    private sealed record Slot(string ClientId, int Order, long BaseRound, DateTimeOffset Deadline)
    {
        public Answer State { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly BufferedSteps? _steps;
    private readonly long _round;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _open;
    private bool _closed;
    private double _evaluationExamples;
    private double _weightedLoss;
    private double _weightedAccuracy;

    public RoundStage(long round, TaskKind kind, DateTimeOffset deadline, ParameterLayout layout, IAggregator? aggregator)
    {
        _round = round;
        Kind = kind;
        Deadline = deadline;
        Layout = layout;
        Aggregator = aggregator;
    }

    /// <summary>
    /// A FedBuff stage: open for the whole run, its tasks each with their own deadline, its updates
    /// buffered per server step with their staleness (see <see cref="BufferedSteps"/>).
    /// </summary>
    internal RoundStage(long firstRound, ParameterLayout layout, Options.BufferedAggregationSettings settings)
        : this(firstRound, TaskKind.Fit, DateTimeOffset.MaxValue, layout, null)
    {
        _steps = new BufferedSteps(layout.TotalLength, settings, firstRound);
    }

    /// <summary>The round results now count for; in a FedBuff stage, the server step being filled.</summary>
    public long Round
    {
        get
        {
            if (_steps is null) return _round;
            lock (_gate) return _steps.OpenRound;
        }
    }

    /// <summary>Whether this is a FedBuff stage.</summary>
    public bool IsBuffered => _steps is not null;

    public TaskKind Kind { get; }

    public DateTimeOffset Deadline { get; }

    /// <summary>The layout every update must have (the global model's).</summary>
    public ParameterLayout Layout { get; }

    /// <summary>Null for evaluation stages.</summary>
    public IAggregator? Aggregator { get; }

    /// <summary>Set when this fit stage aggregates securely: updates then arrive masked, through its steps.</summary>
    public SecureAggregationRound? Secure { get; internal set; }

    /// <summary>Completes when every task has been accepted or refused.</summary>
    public Task AllAnswered => _allAnswered.Task;

    public void AddTask(string taskId, string clientId)
    {
        lock (_gate)
        {
            _slots.Add(taskId, new Slot(clientId, _slots.Count, _round, Deadline));
            _open++;
        }
    }

    /// <summary>
    /// Adds a FedBuff task with its own deadline. <paramref name="baseRound"/> is the round whose input
    /// model the task carries; its staleness counts from there. It may be behind the open server step
    /// (a full buffer not yet applied), never ahead of it.
    /// </summary>
    internal void AddBufferedTask(string taskId, string clientId, long baseRound, DateTimeOffset deadline)
    {
        lock (_gate)
        {
            if (baseRound > _steps!.OpenRound)
                throw new ArgumentOutOfRangeException(nameof(baseRound), baseRound, $"Task {taskId} cannot start from round {baseRound}: server step {_steps.OpenRound} is the newest open.");
            _slots.Add(taskId, new Slot(clientId, _slots.Count, baseRound, deadline));
            _open++;
        }
    }

    /// <summary>The clients holding an unanswered task (FedBuff gives each client one task at a time).</summary>
    internal HashSet<string> BusyClients()
    {
        lock (_gate)
        {
            var busy = new HashSet<string>(StringComparer.Ordinal);
            foreach (var slot in _slots.Values)
            {
                if (slot.State is Answer.Pending or Answer.Claimed) busy.Add(slot.ClientId);
            }
            return busy;
        }
    }

    /// <summary>Completes at the next answer, refusal or full buffer (FedBuff's orchestrator then hands out tasks or steps the model).</summary>
    internal Task Changed
    {
        get
        {
            lock (_gate) return _changed.Task;
        }
    }

    /// <summary>Removes FedBuff tasks whose deadline passed without a result and returns their ids.</summary>
    internal IReadOnlyList<string> ExpireOverdue(DateTimeOffset now)
    {
        lock (_gate)
        {
            var expired = new List<string>();
            foreach (var (taskId, slot) in _slots)
            {
                if (slot.State == Answer.Pending && now > slot.Deadline) expired.Add(taskId);
            }
            foreach (string taskId in expired)
            {
                _slots.Remove(taskId);
                _open--;
            }
            return expired;
        }
    }

    /// <summary>The oldest filled server step of a FedBuff stage, if any; hand the buffer back with <see cref="Recycle"/>.</summary>
    internal bool TryTakeFullStep(out long round, out StalenessWeightedBuffer buffer)
    {
        lock (_gate) return _steps!.TryTakeFull(out round, out buffer);
    }

    internal void Recycle(StalenessWeightedBuffer buffer)
    {
        lock (_gate) _steps!.Recycle(buffer);
    }

    /// <summary>Number of tasks in the stage.</summary>
    public int TaskCount
    {
        get
        {
            lock (_gate) return _slots.Count;
        }
    }

    /// <summary>The position of <paramref name="taskId"/> in issue order (the strategy's selection order), or -1.</summary>
    public int OrderOf(string taskId)
    {
        lock (_gate) return _slots.TryGetValue(taskId, out var slot) ? slot.Order : -1;
    }

    /// <summary>
    /// Reserves <paramref name="taskId"/> for the result now arriving, or says why it cannot take one.
    /// </summary>
    public bool TryClaim(string taskId, string clientId, DateTimeOffset now, out string? reason)
    {
        lock (_gate)
        {
            if (!_slots.TryGetValue(taskId, out var slot))
            {
                reason = null; // not ours: the caller looks the task up elsewhere
                return false;
            }
            if (slot.ClientId != clientId)
                reason = $"task {taskId} was issued to another client";
            else if (_closed || now > slot.Deadline)
                reason = _steps is null
                    ? $"the result for task {taskId} arrived after round {_round}'s deadline"
                    : $"the result for task {taskId} arrived after its deadline";
            else if (slot.State != Answer.Pending)
                reason = $"task {taskId} was already answered";
            else
            {
                slot.State = Answer.Claimed;
                reason = null;
                return true;
            }
            return false;
        }
    }

    /// <summary>
    /// For a claimed task of a FedBuff stage: why its update is too stale to use (more server steps
    /// behind than the bound), or null. Synchronous stages never refuse for staleness.
    /// </summary>
    public string? StaleReason(string taskId)
    {
        if (_steps is null) return null;
        lock (_gate) return _slots.TryGetValue(taskId, out var slot) ? _steps.StaleReason(taskId, slot.BaseRound) : null;
    }

    /// <summary>The round <paramref name="taskId"/> was issued in (for FedBuff, the server step open then).</summary>
    public long RoundOf(string taskId)
    {
        lock (_gate) return _slots.TryGetValue(taskId, out var slot) ? slot.BaseRound : _round;
    }

    /// <summary>Folds a validated update into the aggregate; false when the window closed meanwhile.</summary>
    public bool AcceptUpdate(string taskId, ReadOnlySpan<float> delta, long exampleCount, bool clipped = false)
    {
        lock (_gate)
        {
            if (_closed) return false;
            if (_steps is not null) _steps.Add(delta, _slots[taskId].BaseRound);
            else Aggregator!.Accumulate(delta, exampleCount);
            if (clipped) Clipped++;
            Resolve(taskId, Answer.Accepted);
            return true;
        }
    }

    /// <summary>Adds a client's evaluation to the example-weighted means; false when the window closed meanwhile.</summary>
    public bool AcceptEvaluation(string taskId, long exampleCount, double loss, double accuracy)
    {
        lock (_gate)
        {
            if (_closed) return false;
            _evaluationExamples += exampleCount;
            _weightedLoss += loss * exampleCount;
            _weightedAccuracy += accuracy * exampleCount;
            Resolve(taskId, Answer.Accepted);
            return true;
        }
    }

    /// <summary>Records that the claimed task's result was refused or that the client failed it.</summary>
    public void Refuse(string taskId)
    {
        lock (_gate)
        {
            Refused++;
            Resolve(taskId, Answer.Refused);
        }
    }

    /// <summary>Results refused (invalid) or reported as failed by their client.</summary>
    public int Refused { get; private set; }

    /// <summary>Accepted updates that were scaled down to the norm bound.</summary>
    public int Clipped { get; private set; }

    private readonly int[] _modelCodecs = new int[4];
    private readonly int[] _updateCodecs = new int[4];
    private long _bytesSent;
    private long _bytesReceived;

    /// <summary>Model bytes served to clients for this stage's tasks.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Result bytes received for this stage's tasks.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public void AddBytesSent(long bytes) => Interlocked.Add(ref _bytesSent, bytes);

    public void AddBytesReceived(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    internal void CountCodecs(CodecKind model, CodecKind update)
    {
        lock (_gate)
        {
            _modelCodecs[(int)model]++;
            _updateCodecs[(int)update]++;
        }
    }

    /// <summary>Tasks per negotiated codec, as round metrics (<c>model_codec_int8</c>, <c>update_codec_fp32</c>, …).</summary>
    internal IEnumerable<(string Name, int Count)> CodecCounts()
    {
        lock (_gate)
        {
            var counts = new List<(string, int)>();
            for (int i = 0; i < _modelCodecs.Length; i++)
            {
                string codec = ((CodecKind)i).ToString().ToLowerInvariant();
                if (_modelCodecs[i] > 0) counts.Add(("model_codec_" + codec, _modelCodecs[i]));
                if (_updateCodecs[i] > 0) counts.Add(("update_codec_" + codec, _updateCodecs[i]));
            }
            return counts;
        }
    }

    /// <summary>Closes the window and returns the tasks that never got an answer.</summary>
    public IReadOnlyList<string> Close()
    {
        lock (_gate)
        {
            _closed = true;
            var unanswered = new List<string>();
            foreach (var (taskId, slot) in _slots)
            {
                if (slot.State is Answer.Pending or Answer.Claimed) unanswered.Add(taskId);
            }
            return unanswered;
        }
    }

    /// <summary>Example-weighted mean loss and accuracy of accepted evaluations (null when none).</summary>
    public (double Loss, double Accuracy, long Examples)? EvaluationSummary()
    {
        lock (_gate)
        {
            return _evaluationExamples > 0
                ? (_weightedLoss / _evaluationExamples, _weightedAccuracy / _evaluationExamples, (long)_evaluationExamples)
                : null;
        }
    }

    private void Resolve(string taskId, Answer answer)
    {
        var slot = _slots[taskId];
        if (slot.State is Answer.Accepted or Answer.Refused) return;
        slot.State = answer;
        // A FedBuff stage lives for the whole run: answered tasks leave it.
        if (_steps is not null) _slots.Remove(taskId);
        if (--_open == 0) _allAnswered.TrySetResult();
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
