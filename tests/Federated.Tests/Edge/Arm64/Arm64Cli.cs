using System.Globalization;
using System.Text.RegularExpressions;
using Federated.Tests.Edge.Cli;

namespace Federated.Tests.Edge.Arm64;

/// <summary>
/// <c>federated-edge</c> built for linux-arm64 (<c>dotnet publish -r linux-arm64 --self-contained</c>, Release,
/// once per test run, into the test binaries' folder) and run under QEMU user-mode emulation: trixie's
/// qemu-aarch64 with the arm64 sysroot that scripts/ensure-qemu-aarch64.sh installs.
/// </summary>
internal static partial class Arm64Cli
{
    private const string ToolsRoot = "/opt/federated-edge";
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>The emulator: $FEDERATED_QEMU_AARCH64, else the installed one, else qemu-aarch64 on PATH.</summary>
    public static string Qemu =>
        Environment.GetEnvironmentVariable("FEDERATED_QEMU_AARCH64")
        ?? (File.Exists(ToolsRoot + "/qemu/qemu-aarch64") ? ToolsRoot + "/qemu/qemu-aarch64" : "qemu-aarch64");

    /// <summary>Where the arm64 glibc and libstdc++ live: $FEDERATED_AARCH64_SYSROOT, else the installed sysroot.</summary>
    public static string Sysroot => Environment.GetEnvironmentVariable("FEDERATED_AARCH64_SYSROOT") ?? ToolsRoot + "/aarch64-sysroot";

    /// <summary>Runs the arm64 CLI under emulation with <paramref name="args"/>; fails the test past <paramref name="timeout"/>.</summary>
    public static async Task<CliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        string folder = await Published.Value;
        var arguments = new List<string> { "-L", Sysroot, Path.Combine(folder, "federated-edge") };
        arguments.AddRange(args);
        return await RunProcessAsync(Qemu, arguments, folder, timeout);
    }

    private static async Task<string> PublishAsync()
    {
        await CheckEmulatorAsync();
        string root = ExternalProcess.RepositoryRoot;
        string output = Path.Combine(AppContext.BaseDirectory, "arm64-cli");
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var result = await RunProcessAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            ["publish", "edge/Federated.Edge.Cli/Federated.Edge.Cli.csproj", "-c", "Release", "-r", "linux-arm64", "--self-contained", "-o", output, "-nologo", "-clp:NoSummary"],
            root, PublishTimeout);
        if (result.ExitCode != 0) throw new InvalidOperationException("dotnet publish -r linux-arm64 failed:\n" + result);
        string binary = Path.Combine(output, "federated-edge");
        if (!File.Exists(binary)) throw new InvalidOperationException($"The arm64 publish has no '{binary}'.");
        return output;
    }

    /// <summary>ONNX Runtime's arm64 library crashes QEMU before 8.2 (bookworm has 7.2), so an older emulator is an error, not a pass.</summary>
    private static async Task CheckEmulatorAsync()
    {
        CliResult version;
        try
        {
            version = await RunProcessAsync(Qemu, ["--version"], AppContext.BaseDirectory, TimeSpan.FromSeconds(30));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"qemu-aarch64 ('{Qemu}') is not installed: run scripts/ensure-qemu-aarch64.sh.", e);
        }
        var match = VersionPattern().Match(version.Output);
        if (!match.Success) throw new InvalidOperationException($"Cannot read the version of '{Qemu}': {version}");
        int major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        int minor = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (major < 8 || (major == 8 && minor < 2))
            throw new InvalidOperationException($"'{Qemu}' is QEMU {major}.{minor}; ONNX Runtime on arm64 needs >= 8.2: run scripts/ensure-qemu-aarch64.sh.");
        if (!File.Exists(Path.Combine(Sysroot, "lib", "ld-linux-aarch64.so.1")))
            throw new InvalidOperationException($"The arm64 sysroot '{Sysroot}' has no lib/ld-linux-aarch64.so.1: run scripts/ensure-qemu-aarch64.sh.");
    }

    private static async Task<CliResult> RunProcessAsync(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var result = await ExternalProcess.RunAsync(file, arguments, timeout, workingDirectory);
        return new CliResult(result.ExitCode, result.Stdout, result.Stderr);
    }

    [GeneratedRegex(@"version (\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
