using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Federated.Benchmarks.Scenarios;

/// <summary>Loopback ports for the servers a scenario starts.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port the OS just handed out, so free unless another process takes it first.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Returns once <paramref name="port"/> accepts a connection; throws if <paramref name="server"/> exits first or the time runs out.</summary>
    public static async Task WaitUntilListeningAsync(int port, Process server, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (server.HasExited) throw new InvalidOperationException($"{server.StartInfo.FileName} exited with code {server.ExitCode} before it listened on port {port}.");
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        throw new TimeoutException($"Nothing listened on port {port} within {timeout.TotalSeconds:0} s.");
    }
}
