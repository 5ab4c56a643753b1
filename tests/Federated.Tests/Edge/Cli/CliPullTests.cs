using Federated.Shared.Serialization;
using Federated.Tests.Edge.Pull;

namespace Federated.Tests.Edge.Cli;

/// <summary><c>federated-edge pull</c> against a real coordinator on loopback.</summary>
public sealed class CliPullTests(SeededCoordinator seeded) : IClassFixture<SeededCoordinator>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("federated-edge-pull-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Pull_by_round_writes_the_verified_file_and_exports_it()
    {
        string model = Path.Combine(_folder, "round2.fedmodel");
        string onnx = Path.Combine(_folder, "round2.onnx");

        var result = await EdgeCli.RunAsync("pull", "--coordinator", seeded.Address.ToString(), "--round", "2", "--output", model, "--export", onnx);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(seeded.Files[1], await File.ReadAllBytesAsync(model));
        Assert.Contains(ModelFile.Read(seeded.Files[1]).ContentHash, result.Output, StringComparison.Ordinal);
        Assert.Contains("latest completed round 3", result.Output, StringComparison.Ordinal);
        Assert.True(new FileInfo(onnx).Length > 4_000_000);
    }

    [Fact]
    public async Task Pull_of_an_unknown_round_fails_with_the_coordinators_reason()
    {
        var result = await EdgeCli.RunAsync("pull", "--coordinator", seeded.Address.ToString(), "--round", "17", "--output", Path.Combine(_folder, "x.fedmodel"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Round 17 is unknown", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task A_malformed_round_or_address_is_refused_before_connecting()
    {
        var round = await EdgeCli.RunAsync("pull", "--round", "two", "--output", "x");
        var address = await EdgeCli.RunAsync("pull", "--coordinator", "ftp://host", "--output", "x");

        Assert.NotEqual(0, round.ExitCode);
        Assert.Contains("--round 'two'", round.Error, StringComparison.Ordinal);
        Assert.Contains("--coordinator 'ftp://host'", address.Error, StringComparison.Ordinal);
    }
}
