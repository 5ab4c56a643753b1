namespace Federated.Coordinator.Strategies;

/// <summary>
/// At most one model-sized array kept for the next round's running sum: a coordinator runs one round
/// at a time, so one spare turns the per-round allocation of the sum into a reuse.
/// </summary>
internal sealed class SpareModelBuffer
{
    private float[]? _spare;

    public void Give(float[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Volatile.Write(ref _spare, buffer);
    }

    /// <summary>The spare, cleared, when it has <paramref name="length"/> elements; otherwise a new array.</summary>
    public float[] Take(int length)
    {
        var spare = Interlocked.Exchange(ref _spare, null);
        if (spare is null || spare.Length != length) return new float[length];
        Array.Clear(spare);
        return spare;
    }
}
