using Federated.Coordinator.Rounds;
using Federated.Coordinator.Transport;
using Federated.Shared.Data;
using Microsoft.Extensions.Time.Testing;

namespace Federated.Simulations.Engine;

/// <summary>What all virtual clients of one simulation share: the coordinator's live state, the clock, the worker pool, faults and per-round counters.</summary>
internal sealed class SimulationContext(
    FederationRuntime runtime,
    ClientGateway gateway,
    FakeTimeProvider clock,
    WorkerPool pool,
    FaultPlan faults,
    LabeledDataset train,
    string device,
    int threadsPerWorker)
{
    private readonly Lock _gate = new();
    private RoundStage? _stage;
    private SubmissionSequencer? _sequencer;
    private long _bytesSent;
    private long _bytesReceived;

    public FederationRuntime Runtime { get; } = runtime;

    public ClientGateway Gateway { get; } = gateway;

    public FakeTimeProvider Clock { get; } = clock;

    public WorkerPool Pool { get; } = pool;

    public FaultPlan Faults { get; } = faults;

    public LabeledDataset Train { get; } = train;

    public string Device { get; } = device;

    /// <summary>CPU threads each worker trains with; fixed so that fits are reproducible.</summary>
    public int ThreadsPerWorker { get; } = threadsPerWorker;

    /// <summary>Moves the clock through the phases of secure rounds.</summary>
    /// <remarks>Created on first use by whichever client thread gets there first; every caller sees the one instance.</remarks>
    public SecurePhaseClock SecureClock => LazyInitializer.EnsureInitialized(ref _secureClock, () => new SecurePhaseClock(this));

    private SecurePhaseClock? _secureClock;

    /// <summary>Tasks in the latest training stage (the clients selected for the round).</summary>
    public int LastStageTasks { get; private set; }

    public void AddBytesSent(long bytes) => Interlocked.Add(ref _bytesSent, bytes);

    public void AddBytesReceived(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    public (long Sent, long Received) TakeBytes() => (Interlocked.Exchange(ref _bytesSent, 0), Interlocked.Exchange(ref _bytesReceived, 0));

    /// <summary>The sequencer of <paramref name="stage"/>, created on first use.</summary>
    public SubmissionSequencer SequencerFor(RoundStage stage)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(stage, _stage))
            {
                _stage = stage;
                _sequencer = new SubmissionSequencer(stage.TaskCount);
                LastStageTasks = stage.TaskCount;
                _ = EndStageWhenSettledAsync(stage, _sequencer);
            }
            return _sequencer!;
        }
    }

    /// <summary>Moves simulated time forward (never back).</summary>
    public void AdvanceClockTo(DateTimeOffset target)
    {
        lock (_gate)
        {
            var now = Clock.GetUtcNow();
            if (target > now) Clock.Advance(target - now);
        }
    }

    /// <summary>
    /// Once every selected client has either submitted or gone silent, nothing more can arrive:
    /// jump simulated time to the deadline, so the coordinator closes the round through its
    /// ordinary timeout path instead of the simulation waiting out real minutes.
    /// </summary>
    private async Task EndStageWhenSettledAsync(RoundStage stage, SubmissionSequencer sequencer)
    {
        await sequencer.AllDone.ConfigureAwait(false);
        // Secure rounds move through their phases with SecurePhaseClock instead.
        if (stage.Secure is null && sequencer.Skipped > 0 && ReferenceEquals(Runtime.CurrentStage, stage))
            AdvanceClockTo(stage.Deadline + TimeSpan.FromMilliseconds(1));
    }
}
