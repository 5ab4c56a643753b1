using System.Diagnostics;

namespace Federated.Tests;

/// <summary>What an external program printed and how it ended.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n{Stdout}\n{Stderr}";
}

/// <summary>
/// Runs real external programs for the tests (dotnet publish, compilers, QEMU, ldd): arguments passed
/// as a list (no shell quoting), standard input closed, both outputs captured, and the whole process
/// tree killed past a timeout.
/// </summary>
internal static class ExternalProcess
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Federated.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Federated.sln not found above the test binaries.");
    });

    /// <summary>The repository's root folder (the one holding Federated.sln).</summary>
    public static string RepositoryRoot => Root.Value;

    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', start.ArgumentList)}' did not finish within {timeout.TotalSeconds} s.");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
