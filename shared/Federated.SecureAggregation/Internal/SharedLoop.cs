using System.Runtime.ExceptionServices;

namespace Federated.SecureAggregation;

/// <summary>
/// Runs body(i) for every i in [0, count) on the calling thread, helped by up to one thread-pool thread
/// per other core; indices are claimed one at a time. Unlike Parallel.For, the caller never waits for
/// a helper that has not started: a helper the scheduler runs late finds nothing left and returns, so
/// on a machine shared with other work the loop takes at worst as long as on the caller alone plus
/// one index. Each participant makes its own state on its first index and disposes it at the end.
/// </summary>
internal sealed class SharedLoop<TState>
    where TState : class, IDisposable
{
    private readonly int _count;
    private readonly Func<TState> _createState;
    private readonly Action<int, TState> _body;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next = -1;
    private int _done;
    private ExceptionDispatchInfo? _failure;

    private SharedLoop(int count, Func<TState> createState, Action<int, TState> body)
    {
        _count = count;
        _createState = createState;
        _body = body;
    }

    public static void Run(int count, Func<TState> createState, Action<int, TState> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0) return;
        var loop = new SharedLoop<TState>(count, createState, body);
        int helpers = Math.Min(Environment.ProcessorCount - 1, count - 1);
        for (int h = 0; h < helpers; h++) ThreadPool.UnsafeQueueUserWorkItem(static l => l.Work(), loop, preferLocal: false);
        loop.Work();
        loop._finished.Task.Wait();
        loop._failure?.Throw();
    }

    private void Work()
    {
        TState? state = null;
        try
        {
            int index;
            while ((index = Interlocked.Increment(ref _next)) < _count)
            {
                try
                {
                    // After a failure the remaining indices are only counted, so the caller is released.
                    if (Volatile.Read(ref _failure) is null) _body(index, state ??= _createState());
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                }
                if (Interlocked.Increment(ref _done) == _count) _finished.SetResult();
            }
        }
        finally
        {
            state?.Dispose();
        }
    }
}

/// <summary><see cref="SharedLoop{TState}"/> for bodies that need no state of their own.</summary>
internal static class SharedLoop
{
    public static void Run(int count, Action<int> body) =>
        SharedLoop<NoState>.Run(count, static () => NoState.Instance, (index, _) => body(index));

    private sealed class NoState : IDisposable
    {
        public static readonly NoState Instance = new();

        public void Dispose()
        {
        }
    }
}
