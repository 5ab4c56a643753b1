using System.Security.Authentication;
using Federated.Trust.Pki;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Coordinator.Security;

/// <summary>
/// Kestrel under the <c>Security</c> section: HTTPS with the coordinator's certificate, a client
/// certificate required on every connection and accepted only when the federation CA issued it to a
/// site and has not revoked it. In insecure mode these leave Kestrel as configured (plain text).
/// </summary>
public static class FederationKestrelExtensions
{
    /// <summary>Makes every HTTPS endpoint (e.g. <c>https://</c> URLs from configuration) a mutual-TLS endpoint of the federation.</summary>
    public static KestrelServerOptions UseFederationHttpsDefaults(this KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var security = kestrel.ApplicationServices.GetRequiredService<TransportSecurity>();
        if (security.IsMutualTls) kestrel.ConfigureHttpsDefaults(https => Configure(https, security));
        return kestrel;
    }

    /// <summary>Secures one endpoint as the <c>Security</c> section says: mutual TLS, or plain text when explicitly insecure.</summary>
    public static ListenOptions UseFederationTransport(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var security = listen.ApplicationServices.GetRequiredService<TransportSecurity>();
        if (security.IsMutualTls) listen.UseHttps(https => Configure(https, security));
        return listen;
    }

    private static void Configure(HttpsConnectionAdapterOptions https, TransportSecurity security)
    {
        https.ServerCertificate = security.Certificate;
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        // Replaces the platform's chain check, which knows nothing of the federation CA or its CRL.
        https.ClientCertificateValidation = (certificate, _, _) => security.AcceptClient(certificate, "gRPC", FederationRole.Site);
        https.CheckCertificateRevocation = false;
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
    }
}
