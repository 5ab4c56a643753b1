namespace Federated.Simulations.Engine;

/// <summary>
/// One simulated participant: which examples it holds (indices into the shared dataset) and its
/// small live state. Thousands of these cost their index arrays and little else.
/// </summary>
internal sealed class VirtualClient(int number, int[] indices) : IDisposable
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _online = Completed();
    private CancellationTokenSource _offline = new();
    private TaskCompletionSource _pollIdle = Completed();

    public int Number { get; } = number;

    public int[] Indices { get; } = indices;

    public string ClientId { get; set; } = "";

    public TaskCompletionSource Joined { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The fit task being worked on, with its place in the round's issue order.</summary>
    public (string TaskId, int Order, SubmissionSequencer Sequencer)? Current { get; set; }

    /// <summary>Fires when the client goes offline, ending any poll it has open.</summary>
    public CancellationToken OfflineToken
    {
        get
        {
            lock (_gate) return _offline.Token;
        }
    }

    public bool IsOffline
    {
        get
        {
            lock (_gate) return !_online.Task.IsCompleted;
        }
    }

    public Task WaitOnlineAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return _online.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Takes the client offline (its open poll ends) or back online.</summary>
    public void SetOnline(bool online)
    {
        lock (_gate)
        {
            if (online == _online.Task.IsCompleted) return;
            if (online)
            {
                _online.TrySetResult();
                _offline.Dispose();
                _offline = new CancellationTokenSource();
            }
            else
            {
                _online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _offline.Cancel();
            }
        }
    }

    /// <summary>Completes when no poll of this client is in flight.</summary>
    public Task PollIdle
    {
        get
        {
            lock (_gate) return _pollIdle.Task;
        }
    }

    public void PollStarted()
    {
        lock (_gate) _pollIdle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void PollEnded()
    {
        lock (_gate) _pollIdle.TrySetResult();
    }

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.TrySetResult();
        return source;
    }

    public void Dispose()
    {
        lock (_gate) _offline.Dispose();
    }
}
