namespace Federated.Client.Connection;

/// <summary>Runs <paramref name="beat"/> every <paramref name="interval"/> until disposed or cancelled.</summary>
internal sealed class PeriodicHeartbeat : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    public PeriodicHeartbeat(TimeSpan interval, Func<CancellationToken, Task> beat, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loop = RunAsync(interval, beat, _stop.Token);
    }

    private static async Task RunAsync(TimeSpan interval, Func<CancellationToken, Task> beat, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                await beat(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.GetAwaiter().GetResult();
        _stop.Dispose();
    }
}
