namespace Federated.Client.Connection;

/// <summary>
/// Exponential backoff with "full jitter" (delay drawn uniformly from [d/2, d]) so a fleet of
/// clients that lost the coordinator together does not reconnect in lockstep.
/// </summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private readonly Random _random = new();

    public int Attempt { get; private set; }

    public TimeSpan Next()
    {
        double exponential = initial.TotalMilliseconds * Math.Pow(2, Math.Min(Attempt, 30));
        double ceiling = Math.Min(exponential, max.TotalMilliseconds);
        Attempt++;
        return TimeSpan.FromMilliseconds(ceiling / 2 + _random.NextDouble() * ceiling / 2);
    }

    public void Reset() => Attempt = 0;
}
