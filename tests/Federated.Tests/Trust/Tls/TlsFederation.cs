using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federated.Client.Connection;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Federated.Trust.Tls;

namespace Federated.Tests.Trust.Tls;

/// <summary>
/// A federation for one test: its CA, the coordinator's bundle on disk (PFX, PEM files for Mosquitto,
/// the CRL the coordinator follows), and site credentials issued on demand. Revoking rewrites the
/// bundle's CRL, as <c>federated-trust revoke</c> and <c>crl</c> would.
/// </summary>
internal sealed class TlsFederation : IDisposable
{
    private const string Password = "tls-tests-password";

    public TlsFederation(string name = "tls-tests", string coordinatorIdentity = "coordinator")
    {
        Directory = Path.Combine(Path.GetTempPath(), "federated-tests", "tls-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Authority = FederationAuthority.Create(name);
        CoordinatorBundle = Path.Combine(Directory, "coordinator");
        using var coordinator = Authority.IssueCoordinator(coordinatorIdentity, ["localhost"], [IPAddress.Loopback]);
        FederationBundle.Write(CoordinatorBundle, coordinator, Authority.PublicCertificate(), Password,
            revocationList: Authority.BuildRevocationList(), includePemKey: true);
        PasswordFile = Path.Combine(Directory, "password");
        File.WriteAllText(PasswordFile, Password + "\n");
    }

    public FederationAuthority Authority { get; }

    public string Directory { get; }

    public string CoordinatorBundle { get; }

    public string PasswordFile { get; }

    /// <summary>The coordinator settings that turn on mutual TLS with this federation's bundle.</summary>
    public Dictionary<string, string?> CoordinatorSettings => new()
    {
        ["Security:Mode"] = "MutualTls",
        ["Security:Bundle"] = CoordinatorBundle,
        ["Security:PasswordFile"] = PasswordFile,
    };

    /// <summary>A site's TLS side: its new certificate and this federation's CA and current CRL.</summary>
    public FederationTls Site(string identity) => Tls(Authority.IssueSite(identity));

    /// <summary>TLS with <paramref name="certificate"/> (any CA's) that pins this federation's CA.</summary>
    public FederationTls Tls(X509Certificate2 certificate)
    {
        var trust = FederationTrust.Create(Authority.PublicCertificate(), Authority.BuildRevocationList().Der);
        return new FederationTls(FederationCredentials.Create(certificate, trust));
    }

    /// <summary>Whether <paramref name="certificate"/> is this federation's coordinator.</summary>
    public bool Trusts(X509Certificate2 certificate) =>
        FederationTrust.Create(Authority.PublicCertificate()).Check(certificate, FederationRole.Coordinator).Trusted;

    /// <summary>Revokes a certificate and publishes the new CRL where the coordinator reads it.</summary>
    public void Revoke(X509Certificate2 certificate)
    {
        Assert.True(Authority.Revoke(certificate));
        Authority.BuildRevocationList().WritePem(Path.Combine(CoordinatorBundle, BundleFiles.Crl));
    }

    public void Dispose()
    {
        Authority.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
