using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Signing;

/// <summary>A federation CA with a coordinator and sites, in memory, for signing tests.</summary>
internal sealed class TestFederation : IDisposable
{
    private readonly List<X509Certificate2> _issued = [];

    public TestFederation(string name = "signing-tests")
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
        _issued.Add(certificate);
        return new FederationCredentials(certificate, Trust);
    }

    public void Dispose()
    {
        foreach (var certificate in _issued) certificate.Dispose();
        Authority.Dispose();
    }
}
