namespace Federated.Simulations.Engine;

/// <summary>
/// Lets the results of one round stage reach the coordinator in issue order. FedAvg sums floats,
/// and float addition is not associative: arrival order would otherwise change the last bits of
/// the global model from run to run. A client whose result will never come (dropped, late)
/// completes its turn without submitting.
/// </summary>
internal sealed class SubmissionSequencer
{
    private readonly Lock _gate = new();
    private readonly bool[] _done;
    private readonly TaskCompletionSource[] _turns;
    private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;

    public SubmissionSequencer(int taskCount)
    {
        _done = new bool[taskCount];
        _turns = new TaskCompletionSource[taskCount];
        for (int i = 0; i < taskCount; i++) _turns[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (taskCount > 0) _turns[0].TrySetResult();
        else _allDone.TrySetResult();
    }

    /// <summary>Tasks completed without a submission.</summary>
    public int Skipped { get; private set; }

    /// <summary>Completes when every task is done.</summary>
    public Task AllDone => _allDone.Task;

    /// <summary>Completes when every task before <paramref name="order"/> is done.</summary>
    public Task WaitTurnAsync(int order, CancellationToken cancellationToken) => _turns[order].Task.WaitAsync(cancellationToken);

    /// <summary>Marks the task at <paramref name="order"/> done (submitted, or skipped when <paramref name="submitted"/> is false).</summary>
    public void Complete(int order, bool submitted)
    {
        lock (_gate)
        {
            if (_done[order]) return;
            _done[order] = true;
            if (!submitted) Skipped++;
            while (_next < _done.Length && _done[_next]) _next++;
            if (_next < _turns.Length) _turns[_next].TrySetResult();
            else _allDone.TrySetResult();
        }
    }
}
