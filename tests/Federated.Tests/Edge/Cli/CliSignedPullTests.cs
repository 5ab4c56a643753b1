using Federated.Tests.Edge.Pull;
using Federated.Trust.Bundles;

namespace Federated.Tests.Edge.Cli;

/// <summary><c>federated-edge pull --bundle</c> against a coordinator under mutual TLS.</summary>
public sealed class CliSignedPullTests(SeededTlsCoordinator seeded) : IClassFixture<SeededTlsCoordinator>, IDisposable
{
    private const string Password = "deployer-bundle-password";
    private readonly string _folder = Directory.CreateTempSubdirectory("federated-edge-signed-pull-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Pull_with_a_site_bundle_verifies_the_signature_and_takes_the_address_from_the_bundle()
    {
        string bundle = WriteSiteBundle("deployer-cli");
        string passwordFile = Path.Combine(_folder, "password");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        string model = Path.Combine(_folder, "latest.fedmodel");

        var result = await EdgeCli.RunAsync("pull", "--bundle", bundle, "--password-file", passwordFile, "--output", model);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(seeded.Files[^1], await File.ReadAllBytesAsync(model));
        Assert.Contains("signed by coordinator 'coordinator'", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_bundle_password_or_an_https_address_without_a_bundle_is_refused_before_connecting()
    {
        string bundle = WriteSiteBundle("deployer-cli-wrong");
        string wrongPassword = Path.Combine(_folder, "wrong");
        await File.WriteAllTextAsync(wrongPassword, "not-the-password\n");

        var wrong = await EdgeCli.RunAsync("pull", "--bundle", bundle, "--password-file", wrongPassword, "--output", Path.Combine(_folder, "x.fedmodel"));
        var noBundle = await EdgeCli.RunAsync("pull", "--coordinator", $"https://localhost:{seeded.Address.Port}", "--output", Path.Combine(_folder, "y.fedmodel"));

        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains($"--bundle '{bundle}'", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(1, noBundle.ExitCode);
        Assert.Contains("give --bundle", noBundle.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder, "*.fedmodel"));
    }

    private string WriteSiteBundle(string identity)
    {
        string folder = Path.Combine(_folder, identity);
        using var site = seeded.Federation.Authority.IssueSite(identity);
        FederationBundle.Write(folder, site, seeded.Federation.Authority.PublicCertificate(), Password,
            coordinatorAddress: $"https://localhost:{seeded.Address.Port}", revocationList: seeded.Federation.Authority.BuildRevocationList());
        return folder;
    }
}
