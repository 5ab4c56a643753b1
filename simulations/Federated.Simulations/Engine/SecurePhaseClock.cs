using Federated.Coordinator.Rounds;

namespace Federated.Simulations.Engine;

/// <summary>
/// Simulated time for secure rounds. A protocol phase closes early once every client still in it
/// has spoken; when some went silent, it closes at its deadline. This watcher sees every virtual
/// participant either waiting in a step of the open phase or gone (dropped, refused, done), and
/// then — nothing more can happen before the deadline — jumps the clock to it, as
/// <see cref="SimulationContext"/> does for the deadline of an ordinary round.
/// </summary>
internal sealed class SecurePhaseClock(SimulationContext context)
{
    private readonly Lock _gate = new();
    private readonly int[] _waiting = new int[4];
    private RoundStage? _stage;
    private int _gone;

    /// <summary>A participant of <paramref name="stage"/> is about to wait in a step of <paramref name="phase"/>.</summary>
    public void StepStarted(RoundStage stage, int phase)
    {
        lock (_gate)
        {
            Track(stage);
            _waiting[phase]++;
        }
        AdvanceIfSettled(stage);
    }

    /// <summary>The step returned; <paramref name="stillIn"/> is false when the client is out of the round (refused, aborted, finished).</summary>
    public void StepEnded(RoundStage stage, int phase, bool stillIn)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(stage, _stage)) return;
            _waiting[phase]--;
            if (!stillIn) _gone++;
        }
        AdvanceIfSettled(stage);
    }

    /// <summary>A participant of <paramref name="stage"/> dropped out silently (or never started).</summary>
    public void Gone(RoundStage stage)
    {
        lock (_gate)
        {
            Track(stage);
            _gone++;
        }
        AdvanceIfSettled(stage);
    }

    private void Track(RoundStage stage)
    {
        if (ReferenceEquals(stage, _stage)) return;
        _stage = stage;
        Array.Clear(_waiting);
        _gone = 0;
    }

    private void AdvanceIfSettled(RoundStage stage)
    {
        if (stage.Secure is not { } secure) return;
        var (phase, deadline) = secure.OpenPhase;
        if (phase >= 4 || deadline == DateTimeOffset.MaxValue) return;
        lock (_gate)
        {
            if (!ReferenceEquals(stage, _stage) || _waiting[phase] + _gone < stage.TaskCount) return;
        }
        context.AdvanceClockTo(deadline + TimeSpan.FromMilliseconds(1));
    }
}
