using System.Globalization;

namespace Federated.Benchmarks.Scenarios.MqttFleet;

/// <summary>
/// The open-file limit a fleet needs: a socket per device here, and one per device in the broker.
/// .NET raises this process's soft limit to the hard limit at start (child processes such as
/// Mosquitto inherit it), so only a low hard limit is a problem; then say how to raise it.
/// </summary>
internal static class FileDescriptors
{
    public static void EnsureAtLeast(long needed)
    {
        long limit = SoftLimit();
        if (limit >= needed) return;
        throw new InvalidOperationException(
            $"{needed} connections need as many file descriptors; this process may open {limit}. Raise the hard limit (ulimit -Hn, /etc/security/limits.conf, or LimitNOFILE= for a service) and run again.");
    }

    /// <summary>The soft "Max open files" of this process (/proc/self/limits), or long.MaxValue when unlimited or unknown.</summary>
    public static long SoftLimit()
    {
        foreach (string line in File.ReadLines("/proc/self/limits"))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            string soft = line["Max open files".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return long.TryParse(soft, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : long.MaxValue;
        }
        return long.MaxValue;
    }
}
