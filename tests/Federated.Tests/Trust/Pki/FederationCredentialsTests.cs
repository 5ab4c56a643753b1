using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Pki;

public sealed class FederationCredentialsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("federated-bundle-").FullName;

    [Fact]
    public void Bundle_LoadsAsCredentialsWithAddressesAndAWorkingTrust()
    {
        using var federation = new TestFederation();
        using var ca = federation.Authority.PublicCertificate();
        FederationBundle.Write(_directory, federation.Site, ca, "site-pw", "https://coordinator.example:5001", "broker.example", 8883,
            federation.Authority.BuildRevocationList());

        using var credentials = FederationCredentials.Load(_directory, "site-pw");

        Assert.Equal("site-a", credentials.Identity);
        Assert.Equal(FederationRole.Site, credentials.Role);
        Assert.True(credentials.Certificate.HasPrivateKey);
        Assert.Equal("https://coordinator.example:5001", credentials.Manifest!.CoordinatorAddress);
        Assert.Equal("clinics", credentials.Manifest.FederationName);
        Assert.Equal(8883, credentials.Manifest.MqttPort);
        Assert.True(credentials.Trust.Check(federation.Coordinator, FederationRole.Coordinator).Trusted);
        Assert.False(File.Exists(Path.Combine(_directory, BundleFiles.Key("site-a"))));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(Path.Combine(_directory, BundleFiles.Pfx("site-a"))));
    }

    [Fact]
    public void CoordinatorBundle_HasPemKeyMatchingItsCertificate()
    {
        using var federation = new TestFederation();
        using var ca = federation.Authority.PublicCertificate();
        FederationBundle.Write(_directory, federation.Coordinator, ca, "pw", includePemKey: true);

        using var fromPem = X509Certificate2.CreateFromPemFile(
            Path.Combine(_directory, BundleFiles.Certificate("coordinator")), Path.Combine(_directory, BundleFiles.Key("coordinator")));
        using var key = fromPem.GetECDsaPrivateKey()!;
        byte[] data = [1, 2, 3];
        var signature = key.SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA256);

        using var publicKey = federation.Coordinator.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyData(data, signature, System.Security.Cryptography.HashAlgorithmName.SHA256));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(Path.Combine(_directory, BundleFiles.Key("coordinator"))));
    }

    [Fact]
    public void Load_WithWrongPassword_NamesThePfx()
    {
        using var federation = new TestFederation();
        using var ca = federation.Authority.PublicCertificate();
        FederationBundle.Write(_directory, federation.Site, ca, "right");

        var error = Assert.Throws<FederationTrustException>(() => FederationCredentials.Load(_directory, "wrong"));

        Assert.Contains("site-a.pfx", error.Message, StringComparison.Ordinal);
        Assert.Contains("wrong password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WithCaOfAnotherFederation_RefusesTheCertificate()
    {
        using var federation = new TestFederation();
        using var other = new TestFederation();
        using var otherCa = other.Authority.PublicCertificate();
        FederationBundle.Write(_directory, federation.Site, otherCa, "pw");

        var error = Assert.Throws<FederationTrustException>(() => FederationCredentials.Load(_directory, "pw"));

        Assert.Contains("was not issued by the federation CA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WithEditedManifest_NamesTheKey()
    {
        using var federation = new TestFederation();
        using var ca = federation.Authority.PublicCertificate();
        FederationBundle.Write(_directory, federation.Site, ca, "pw");
        var path = Path.Combine(_directory, BundleFiles.Manifest);

        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        manifest["identity"] = "site-b";
        File.WriteAllText(path, manifest.ToJsonString());
        var renamed = Assert.Throws<FederationTrustException>(() => FederationCredentials.Load(_directory, "pw"));

        manifest["identity"] = "site-a";
        manifest["mqttPort"] = 70000;
        File.WriteAllText(path, manifest.ToJsonString());
        var badPort = Assert.Throws<FederationTrustException>(() => FederationCredentials.Load(_directory, "pw"));

        Assert.Contains("manifest identity 'site-b' differs", renamed.Message, StringComparison.Ordinal);
        Assert.Contains("mqttPort 70000", badPort.Message, StringComparison.Ordinal);
    }

    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("Unix file modes") : File.GetUnixFileMode(path);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
