namespace Federated.Tests.Client;

/// <summary>
/// The device SDK is NativeAOT-compatible: the sample device app publishes with PublishAot and
/// the compiler reports no trim or AOT warning, and the binary needs nothing but libc.
/// </summary>
public class DeviceSampleAotTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string workingDirectory)
    {
        var result = await ExternalProcess.RunAsync(file, arguments, Timeout, workingDirectory);
        return (result.ExitCode, result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task Device_sample_publishes_as_NativeAOT_without_warnings_and_needs_only_libc()
    {
        string root = ExternalProcess.RepositoryRoot;
        string output = Path.Combine(Path.GetTempPath(), "federated-tests", "device-aot-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, log) = await RunAsync("dotnet", ["publish", "client/Federated.Client.DeviceSample", "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-clp:NoSummary"], root);
            Assert.True(exit == 0, log);
            // ILC prints trim and AOT problems as warnings (IL2xxx, IL3xxx); there must be none.
            Assert.DoesNotContain("warning IL", log, StringComparison.Ordinal);
            string binary = Path.Combine(output, "federated-device");
            Assert.True(File.Exists(binary));
            Assert.Empty(Directory.GetFiles(output, "*.so"));

            var (lddExit, libraries) = await RunAsync("ldd", [binary], output);
            Assert.Equal(0, lddExit);
            foreach (string line in libraries.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                Assert.Matches(@"^(linux-vdso|libm\.so|libc\.so|/lib64/ld-linux|libdl\.so|libpthread\.so|librt\.so)", line);

            // It runs: a bad command line gets its usage and exit code 2.
            var (usageExit, usage) = await RunAsync(binary, ["--help"], output);
            Assert.Equal(2, usageExit);
            Assert.Contains("usage: federated-device", usage, StringComparison.Ordinal);

            // Neither TLS nor an explicit plain-text choice: refused before anything connects.
            var (choiceExit, choice) = await RunAsync(binary, ["127.0.0.1", "1883", "default"], output);
            Assert.Equal(2, choiceExit);
            Assert.Contains("--bundle DIR", choice, StringComparison.Ordinal);

            // A bundle that is not there: a clear error, exit code 1 (the crypto stack loads under NativeAOT).
            var (bundleExit, bundle) = await RunAsync(binary, ["127.0.0.1", "1883", "default", "--bundle", Path.Combine(output, "no-bundle"), "--password-file", binary], output);
            Assert.Equal(1, bundleExit);
            Assert.Contains("no-bundle", bundle, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
