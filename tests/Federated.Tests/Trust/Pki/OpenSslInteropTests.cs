using Federated.Trust.Bundles;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Pki;

/// <summary>Mosquitto reads the bundle's PEM files with OpenSSL: OpenSSL must accept the chain, the key and the CRL.</summary>
public sealed class OpenSslInteropTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("federated-openssl-").FullName;

    [Fact]
    public async Task OpenSsl_VerifiesCoordinatorAndSeesTheRevokedSite()
    {
        using var federation = new TestFederation();
        federation.Authority.Revoke(federation.Site);
        using var ca = federation.Authority.PublicCertificate();
        FederationBundle.Write(_directory, federation.Coordinator, ca, "pw", revocationList: federation.Authority.BuildRevocationList(), includePemKey: true);
        var site = Path.Combine(_directory, "site.crt");
        PemFiles.WriteCertificate(federation.Site, site);
        var crl = Path.Combine(_directory, BundleFiles.Crl);
        var caFile = Path.Combine(_directory, BundleFiles.Ca);

        var coordinator = await Verify(caFile, crl, Path.Combine(_directory, BundleFiles.Certificate("coordinator")));
        var revoked = await Verify(caFile, crl, site);
        var key = await ExternalProcess.RunAsync("openssl", ["pkey", "-in", Path.Combine(_directory, BundleFiles.Key("coordinator")), "-pubout"], Timeout);
        var certificateKey = await ExternalProcess.RunAsync("openssl", ["x509", "-in", Path.Combine(_directory, BundleFiles.Certificate("coordinator")), "-noout", "-pubkey"], Timeout);

        Assert.True(coordinator.ExitCode == 0, coordinator.ToString());
        Assert.NotEqual(0, revoked.ExitCode);
        Assert.Contains("certificate revoked", revoked.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, key.ExitCode);
        Assert.Equal(certificateKey.Stdout, key.Stdout);
    }

    private static Task<ProcessResult> Verify(string caFile, string crl, string certificate) =>
        ExternalProcess.RunAsync("openssl", ["verify", "-CAfile", caFile, "-crl_check", "-CRLfile", crl, certificate], Timeout);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
