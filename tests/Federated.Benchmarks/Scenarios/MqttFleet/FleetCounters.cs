using System.Collections.Concurrent;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>What a fleet's devices saw, counted on the device side as each reply arrives.</summary>
internal sealed class FleetCounters
{
    private long _joined;
    private long _accepted;
    private long _refused;
    private long _failedCalls;

    /// <summary>Devices that have joined at least once.</summary>
    public long Joined => Interlocked.Read(ref _joined);

    /// <summary>Updates the coordinator accepted (an error report is not an update).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Uploads the coordinator refused (too stale, after the deadline, ...).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Calls that failed on the wire (timeouts, lost connections), each retried by the task loop.</summary>
    public long FailedCalls => Interlocked.Read(ref _failedCalls);

    public void CountJoin() => Interlocked.Increment(ref _joined);

    public void CountUpload(bool accepted) => Interlocked.Increment(ref accepted ? ref _accepted : ref _refused);

    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>Failed calls by call and status, e.g. "PullTask DeadlineExceeded".</summary>
    public IReadOnlyDictionary<string, int> Failures => _failures;

    public void CountFailedCall(string call, Grpc.Core.StatusCode status)
    {
        Interlocked.Increment(ref _failedCalls);
        _failures.AddOrUpdate($"{call} {status}", 1, static (_, count) => count + 1);
    }
}
