using System.Globalization;

namespace Federated.Benchmarks.Scenarios;

/// <summary>
/// Another process's memory as Linux reports it in /proc/PID/status: read from outside, so it counts
/// everything the process holds (managed heap, native allocations, thread stacks, mapped code).
/// </summary>
internal static class ProcStatus
{
    /// <summary>A field in bytes: <c>VmRSS</c> (resident now) or <c>VmHWM</c> (highest resident since start or the last <see cref="ResetPeak"/>).</summary>
    public static long Bytes(int pid, string field)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            string number = line[(field.Length + 1)..].Trim().Split(' ')[0];
            return long.Parse(number, CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no {field} line.");
    }

    /// <summary>Restarts VmHWM from the current resident set (writing 5 to clear_refs, Linux 4.0+).</summary>
    public static Task ResetPeakAsync(int pid) => File.WriteAllTextAsync($"/proc/{pid}/clear_refs", "5");

    /// <summary>
    /// CPU time the process has used, user and system (/proc/PID/stat fields 14 and 15, in clock
    /// ticks of 1/100 s: USER_HZ is 100 on every Linux architecture .NET runs on).
    /// </summary>
    public static TimeSpan CpuTime(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
