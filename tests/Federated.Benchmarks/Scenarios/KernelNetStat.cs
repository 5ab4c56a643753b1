using System.Globalization;

namespace Federated.Benchmarks.Scenarios;

/// <summary>Machine-wide TCP counters from /proc/net/netstat (other processes' traffic counts too).</summary>
internal static class KernelNetStat
{
    /// <summary>
    /// Connection attempts dropped because a listener's accept queue was full (TcpExt ListenOverflows):
    /// each costs the connecting side a SYN retransmission, a second or more.
    /// </summary>
    public static long ListenOverflows() => TcpExt("ListenOverflows");

    private static long TcpExt(string name)
    {
        string[] lines = File.ReadAllLines("/proc/net/netstat");
        for (int i = 0; i + 1 < lines.Length; i++)
        {
            if (!lines[i].StartsWith("TcpExt:", StringComparison.Ordinal)) continue;
            string[] names = lines[i].Split(' ');
            string[] values = lines[i + 1].Split(' ');
            int index = Array.IndexOf(names, name);
            return index > 0 ? long.Parse(values[index], CultureInfo.InvariantCulture) : 0;
        }
        return 0;
    }
}
