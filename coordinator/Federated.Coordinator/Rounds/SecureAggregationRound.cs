using System.Security.Cryptography;
using Federated.Coordinator.Options;
using Federated.SecureAggregation;

namespace Federated.Coordinator.Rounds;

/// <summary>What a client's secure-aggregation step produced.</summary>
public enum SecureStepKind
{
    /// <summary>The phase closed; the payload is the client's input for the next phase (empty after unmasking).</summary>
    Next,

    /// <summary>The round's secure aggregation stopped without revealing anything.</summary>
    Aborted,

    /// <summary>This message was refused, or the client is no longer part of the round.</summary>
    Rejected,
}

/// <summary>The answer to one secure-aggregation step.</summary>
/// <param name="InRoundRecord">True when the refusal is already among the round's <see cref="SecureAggregationRound.Rejections"/> (recorded with the round).</param>
public readonly record struct SecureStepOutcome(SecureStepKind Kind, byte[] Payload, string? Reason, bool InRoundRecord = false)
{
    public static SecureStepOutcome Rejected(string reason, bool inRoundRecord = false) => new(SecureStepKind.Rejected, [], reason, inRoundRecord);
}

/// <summary>
/// The secure-aggregation side of one training round. It numbers the round's tasks 1..n for the
/// protocol, feeds each client's phase message to a <see cref="SecureAggregationServer"/>, closes a
/// phase as soon as every client still in the round has spoken (or, driven by the orchestrator,
/// at the phase's deadline), and then answers every waiting client with its input for the next
/// phase. Transports call <see cref="StepAsync"/>; the orchestrator calls <see cref="RunAsync"/>.
/// Like the server it wraps, it offers the round's sum and nothing about any single client.
/// </summary>
public sealed class SecureAggregationRound
{
    private const int Phases = 4;
    private readonly Lock _gate = new();
    private readonly SecureAggregationServer _server;
    private readonly Dictionary<string, (string ClientId, int Index)> _tasks = new(StringComparer.Ordinal);
    private readonly HashSet<int>[] _expected = new HashSet<int>[Phases];
    private readonly HashSet<int>[] _submitted = new HashSet<int>[Phases];
    private readonly TaskCompletionSource[] _closed = new TaskCompletionSource[Phases];
    private readonly List<SecureAggregationRejection> _refusals = [];
    private SecureAggregationResult? _result;
    private int _phase;
    private DateTimeOffset _deadline = DateTimeOffset.MaxValue;
    private TimeProvider? _time;
    private TimeSpan _phaseTimeout;

    /// <param name="round">The round number; it is the protocol's round id, so messages of other rounds are refused.</param>
    /// <param name="tasks">The round's fit tasks as (task id, client id), in issue order; task i gets protocol index i + 1.</param>
    public SecureAggregationRound(long round, IReadOnlyList<(string TaskId, string ClientId)> tasks, int vectorLength, SecureAggregationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(settings);
        int n = tasks.Count;
        if (n < 3) throw new ArgumentException($"Secure aggregation needs at least 3 clients in a round; round {round} has {n}.", nameof(tasks));
        Options = CreateOptions(n, vectorLength, settings);
        _server = new SecureAggregationServer(Options, round, RandomNumberGenerator.GetBytes(32));
        Round = round;
        for (int i = 0; i < n; i++) _tasks.Add(tasks[i].TaskId, (tasks[i].ClientId, i + 1));
        for (int p = 0; p < Phases; p++)
        {
            _expected[p] = [];
            _submitted[p] = [];
            _closed[p] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        for (int i = 1; i <= n; i++) _expected[0].Add(i);
    }

    public long Round { get; }

    /// <summary>The protocol parameters every client of the round receives.</summary>
    public SecureAggregationOptions Options { get; }

    /// <summary>The phase now open (0..3), or 4 once the round is over.</summary>
    public int Phase
    {
        get { lock (_gate) return _phase; }
    }

    /// <summary>
    /// The open phase (4 once over) and when it closes without the clients still missing (MaxValue
    /// until <see cref="RunAsync"/> starts), read together: a phase and its deadline change at once.
    /// </summary>
    public (int Phase, DateTimeOffset Deadline) OpenPhase
    {
        get { lock (_gate) return (_phase, _deadline); }
    }

    /// <summary>Why the round aborted, or null.</summary>
    public string? AbortReason => _server.AbortReason;

    /// <summary>
    /// Every refused message or excluded client of a task in this round: protocol index, phase,
    /// reason — the protocol's own refusals and the messages this wrapper could not even read.
    /// </summary>
    public IReadOnlyList<SecureAggregationRejection> Rejections
    {
        get
        {
            lock (_gate) return [.. _refusals, .. _server.Rejections];
        }
    }

    /// <summary>The setup a task's client needs (its index, the graph seed, the parameters), in wire format.</summary>
    public byte[] SetupFor(string taskId)
    {
        var (_, index) = _tasks[taskId];
        return SecureAggregationWire.Write(new SecureAggregationSetup(Round, index, _server.GraphSeed, Options));
    }

    /// <summary>The task ids whose masked inputs made it into the sum (empty unless the round completed).</summary>
    public IReadOnlySet<string> IncludedTasks()
    {
        var included = new HashSet<string>(StringComparer.Ordinal);
        if (_result is null) return included;
        var indices = new HashSet<int>(_result.IncludedClients);
        foreach (var (taskId, (_, index)) in _tasks) if (indices.Contains(index)) included.Add(taskId);
        return included;
    }

    /// <summary>The task and client behind a protocol index (empty strings for an index outside 1..n).</summary>
    public (string TaskId, string ClientId) TaskOf(int index)
    {
        foreach (var (taskId, (clientId, i)) in _tasks) if (i == index) return (taskId, clientId);
        return ("", "");
    }

    /// <summary>The protocol index of a task's client, or 0 when the task is not in this round.</summary>
    public int IndexOf(string taskId) => _tasks.TryGetValue(taskId, out var entry) ? entry.Index : 0;

    /// <summary>
    /// Takes one client's message for <paramref name="phase"/>, waits until the phase closes, and
    /// returns the client's next input. Never throws for bad input: a malformed or refused message
    /// is a <see cref="SecureStepKind.Rejected"/> outcome with the reason. The message is read
    /// before this returns its task, so the caller may reuse the buffer while the step waits.
    /// </summary>
    public Task<SecureStepOutcome> StepAsync(string taskId, string clientId, int phase, ReadOnlySpan<byte> message, CancellationToken cancellationToken)
    {
        var refusal = Submit(taskId, clientId, phase, message, out int index);
        return refusal is { } refused ? Task.FromResult(refused) : WaitForNextAsync(phase, index, cancellationToken);
    }

    private async Task<SecureStepOutcome> WaitForNextAsync(int phase, int index, CancellationToken cancellationToken)
    {
        await _closed[phase].Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return NextFor(phase, index);
    }

    /// <summary>Hands the message to the protocol; a refusal, or null when it was taken.</summary>
    private SecureStepOutcome? Submit(string taskId, string clientId, int phase, ReadOnlySpan<byte> message, out int index)
    {
        index = 0;
        if (!_tasks.TryGetValue(taskId, out var entry))
            return SecureStepOutcome.Rejected($"task {taskId} is not part of round {Round}'s secure aggregation");
        if (entry.ClientId != clientId)
            return SecureStepOutcome.Rejected($"task {taskId} was issued to another client");
        if (phase is < 0 or >= Phases)
            return SecureStepOutcome.Rejected($"phase {phase} does not exist (0 advertise keys … 3 unmask)");
        index = entry.Index;

        lock (_gate)
        {
            if (_phase != phase)
                return Refuse(index, phase, $"phase {Name(phase)} is not open; round {Round} is in {(_phase < Phases ? Name(_phase) : "no phase (it is over)")}");
            if (!_expected[phase].Contains(index))
                return Refuse(index, phase, $"client {index} is no longer part of round {Round}'s secure aggregation{LastReason(index)}");
            int before = _server.Rejections.Count;
            string? refusal = Receive(phase, index, message);
            if (refusal is null) _submitted[phase].Add(index);
            // A refused client is out of the round (the protocol drops it): the phase need not wait for it.
            else _expected[phase].Remove(index);
            if (_submitted[phase].IsSupersetOf(_expected[phase])) ClosePhaseLocked(phase);
            if (refusal is null) return null;
            // The protocol recorded its own refusals; a message it never saw (unreadable) is recorded here.
            return _server.Rejections.Count > before ? SecureStepOutcome.Rejected(refusal, inRoundRecord: true) : Refuse(index, phase, refusal);
        }
    }

    /// <summary>
    /// Walks the four phases: each closes when its clients have all spoken or at its deadline
    /// (phase 0, which includes local training, at <paramref name="firstDeadline"/>; each later one
    /// <paramref name="phaseTimeout"/> after the previous closed). Returns the sum, or null when the
    /// round aborted (see <see cref="AbortReason"/>).
    /// </summary>
    public async Task<SecureAggregationResult?> RunAsync(TimeProvider time, DateTimeOffset firstDeadline, TimeSpan phaseTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        lock (_gate)
        {
            _time = time;
            _phaseTimeout = phaseTimeout;
            if (_phase == 0) _deadline = firstDeadline;
        }
        for (int phase = 0; phase < Phases; phase++)
        {
            DateTimeOffset deadline;
            lock (_gate)
            {
                if (_phase == phase && _deadline == DateTimeOffset.MaxValue) _deadline = time.GetUtcNow() + phaseTimeout; // closed before RunAsync began
                deadline = _phase == phase ? _deadline : time.GetUtcNow();
            }
            var remaining = deadline - time.GetUtcNow();
            if (remaining > TimeSpan.Zero && !_closed[phase].Task.IsCompleted)
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.WhenAny(_closed[phase].Task, Task.Delay(remaining, time, stop.Token)).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            lock (_gate) ClosePhaseLocked(phase);
            if (_server.Phase == SecureAggregationPhase.Aborted) break;
        }
        return _result;
    }

    private string? Receive(int phase, int index, ReadOnlySpan<byte> message)
    {
        bool accepted;
        try
        {
            switch (phase)
            {
                case 0:
                    var keys = SecureAggregationWire.ReadAdvertisedKeys(message);
                    accepted = _server.ReceiveAdvertisedKeys(CheckSender(keys.ClientIndex, index, keys));
                    break;
                case 1:
                    var shares = SecureAggregationWire.ReadShareKeys(message);
                    accepted = _server.ReceiveShares(CheckSender(shares.Sender, index, shares));
                    break;
                case 2:
                    var masked = SecureAggregationWire.ReadMaskedInput(message);
                    accepted = _server.ReceiveMaskedInput(CheckSender(masked.Sender, index, masked));
                    break;
                default:
                    var unmask = SecureAggregationWire.ReadUnmaskResponse(message);
                    accepted = _server.ReceiveUnmaskResponse(CheckSender(unmask.Sender, index, unmask));
                    break;
            }
        }
        catch (SecureAggregationException e)
        {
            return $"malformed {Name(phase)} message: {e.Message}";
        }
        return accepted ? null : $"{Name(phase)} message refused{LastReason(index)}";
    }

    private SecureStepOutcome Refuse(int index, int phase, string reason)
    {
        _refusals.Add(new SecureAggregationRejection(index, (SecureAggregationPhase)phase, reason));
        return SecureStepOutcome.Rejected(reason, inRoundRecord: true);
    }

    /// <summary>A message must come from the index its task was given; the protocol index inside it cannot be chosen by the sender.</summary>
    private static T CheckSender<T>(int claimed, int actual, T message) =>
        claimed == actual ? message : throw new SecureAggregationException($"the message claims to come from client {claimed}, but this task is client {actual}");

    private void ClosePhaseLocked(int phase)
    {
        if (_phase != phase) return; // already closed
        switch (phase)
        {
            case 0: _server.CloseAdvertiseKeys(); break;
            case 1: _server.CloseShareKeys(); break;
            case 2: _server.CloseMaskedInput(); break;
            default: _result = _server.Finish(); break;
        }
        _phase = phase + 1;
        // Each later phase gets its own timeout from the moment the previous one closed.
        _deadline = _time is not null && _phase < Phases ? _time.GetUtcNow() + _phaseTimeout : DateTimeOffset.MaxValue;
        bool aborted = _server.Phase == SecureAggregationPhase.Aborted;
        if (phase + 1 < Phases && !aborted)
        {
            foreach (int c in _server.ActiveClients) _expected[phase + 1].Add(c);
        }
        _closed[phase].TrySetResult();
        if (aborted)
        {
            _phase = Phases;
            _deadline = DateTimeOffset.MaxValue;
            for (int p = phase + 1; p < Phases; p++) _closed[p].TrySetResult();
        }
    }

    private SecureStepOutcome NextFor(int phase, int index)
    {
        if (_server.Phase == SecureAggregationPhase.Aborted)
            return new SecureStepOutcome(SecureStepKind.Aborted, [], _server.AbortReason);
        try
        {
            byte[] next = phase switch
            {
                0 => SecureAggregationWire.Write(_server.NeighbourKeysFor(index)),
                1 => SecureAggregationWire.Write(_server.SharesFor(index)),
                2 => SecureAggregationWire.Write(_server.UnmaskRequestFor(index)),
                _ => [],
            };
            return new SecureStepOutcome(SecureStepKind.Next, next, null);
        }
        catch (SecureAggregationException e)
        {
            // Not among the clients of the next phase (too few live neighbours, or a conflict).
            return SecureStepOutcome.Rejected($"client {index} was left out of the next phase: {e.Message}{LastReason(index)}");
        }
    }

    private string LastReason(int index)
    {
        var rejections = _server.Rejections;
        for (int i = rejections.Count - 1; i >= 0; i--)
        {
            if (rejections[i].ClientIndex == index) return $" ({rejections[i].Reason})";
        }
        return "";
    }

    private static string Name(int phase) => phase switch
    {
        0 => "advertise-keys",
        1 => "share-keys",
        2 => "masked-input",
        _ => "unmask",
    };

    private static SecureAggregationOptions CreateOptions(int n, int vectorLength, SecureAggregationSettings settings)
    {
        int degree = settings.NeighbourDegree ?? SecureAggregationOptions.RecommendedNeighbourDegree(n, settings.ExpectedDropout);
        var options = new SecureAggregationOptions
        {
            ClientCount = n,
            VectorLength = vectorLength,
            // At or above n − 1 the graph is complete: classic SecAgg.
            NeighbourDegree = degree >= n - 1 ? null : degree,
            ThresholdFraction = settings.ThresholdFraction,
            ClipRange = settings.ClipRange,
            BitWidth = settings.BitWidth,
            MaxExampleWeight = settings.MaxExampleWeight,
        };
        options.Validate();
        return options;
    }
}
