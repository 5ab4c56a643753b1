using System.Diagnostics;

namespace Federated.Simulations.Engine;

/// <summary>
/// A few trainer slots shared by all virtual clients (one per core by default), so memory holds
/// a handful of models whatever the number of clients. Waiting clients are served lowest order
/// first — the strategy's selection order — which keeps results arriving in a reproducible order
/// with little buffering. Also measures the wall time during which any slot was busy.
/// </summary>
internal sealed class WorkerPool(int workers)
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<TaskCompletionSource, long> _waiting = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _free = workers;
    private int _busy;
    private long _busySinceTicks;
    private long _busyTicks;

    public int Workers { get; } = workers;

    public async Task<IDisposable> AcquireAsync(long order, CancellationToken cancellationToken)
    {
        TaskCompletionSource? wait = null;
        lock (_gate)
        {
            if (_free > 0 && _waiting.Count == 0)
            {
                _free--;
                MarkBusy();
            }
            else
            {
                wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue(wait, order);
            }
        }
        if (wait is not null)
        {
            // A cancelled waiter stays queued; Release skips it when its turn comes.
            using var registration = cancellationToken.Register(() => wait.TrySetCanceled(cancellationToken));
            await wait.Task.ConfigureAwait(false);
        }
        return new Lease(this);
    }

    /// <summary>Wall seconds with at least one busy slot since the last call.</summary>
    public double TakeBusySeconds()
    {
        lock (_gate)
        {
            long now = _clock.ElapsedTicks;
            long busy = _busyTicks + (_busy > 0 ? now - _busySinceTicks : 0);
            _busyTicks = 0;
            if (_busy > 0) _busySinceTicks = now;
            return busy / (double)Stopwatch.Frequency;
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var next, out _))
            {
                // Hand the slot straight to the next waiter (it stays busy), unless it gave up.
                if (next.TrySetResult()) return;
            }
            _free++;
            if (--_busy == 0) _busyTicks += _clock.ElapsedTicks - _busySinceTicks;
        }
    }

    private void MarkBusy()
    {
        if (_busy++ == 0) _busySinceTicks = _clock.ElapsedTicks;
    }

    private sealed class Lease(WorkerPool pool) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) pool.Release();
        }
    }
}
