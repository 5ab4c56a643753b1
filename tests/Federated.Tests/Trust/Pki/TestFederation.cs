using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Pki;

namespace Federated.Tests.Trust.Pki;

/// <summary>A fresh federation CA with a coordinator and a site, for one test.</summary>
internal sealed class TestFederation : IDisposable
{
    public TestFederation(string name = "clinics", bool rsaCoordinator = false, TimeProvider? time = null)
    {
        Authority = FederationAuthority.Create(name, time: time);
        Coordinator = Authority.IssueCoordinator("coordinator", ["localhost"], [IPAddress.Loopback], rsa: rsaCoordinator);
        Site = Authority.IssueSite("site-a");
    }

    public FederationAuthority Authority { get; }

    public X509Certificate2 Coordinator { get; }

    public X509Certificate2 Site { get; }

    public FederationTrust Trust(TimeProvider? time = null) =>
        FederationTrust.Create(Authority.PublicCertificate(), Authority.BuildRevocationList().Der, time);

    public void Dispose()
    {
        Coordinator.Dispose();
        Site.Dispose();
        Authority.Dispose();
    }
}
