using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Signing;

/// <summary>A federation CA with a coordinator and sites, in memory, for signing tests.</summary>
internal sealed class SigningFederation : IDisposable
{
    private readonly List<FederationCredentials> _issued = [];

    public SigningFederation(string name = "signing-tests")
    {
        Authority = FederationAuthority.Create(name);
        Trust = FederationTrust.Create(Authority.PublicCertificate());
        Coordinator = Credentials(Authority.IssueCoordinator("coordinator", ipAddresses: [IPAddress.Loopback]));
    }

    public FederationAuthority Authority { get; }

    public FederationTrust Trust { get; }

    public FederationCredentials Coordinator { get; }

    public FederationCredentials Site(string id) => Credentials(Authority.IssueSite(id));

    /// <summary>Revokes <paramref name="site"/> and hands the new CRL to <see cref="Trust"/>, as a coordinator reloading its CRL file would.</summary>
    public void Revoke(FederationCredentials site)
    {
        Authority.Revoke(site.Certificate, X509RevocationReason.KeyCompromise);
        Trust.UpdateRevocationList(Authority.BuildRevocationList().Der);
    }

    private FederationCredentials Credentials(X509Certificate2 certificate)
    {
        var credentials = FederationCredentials.Create(certificate, Trust);
        _issued.Add(credentials);
        return credentials;
    }

    public void Dispose()
    {
        foreach (var credentials in _issued) credentials.Dispose();
        Authority.Dispose();
    }
}
