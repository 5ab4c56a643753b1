using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;

namespace Federated.Trust.Tls;

/// <summary>
/// A site's side of mutual TLS, for gRPC and MQTT alike: it presents the site's certificate and
/// pins the federation CA: the server must show a certificate the federation issued to the
/// coordinator role, unrevoked, naming the host dialled. The system's trust store plays no part, so
/// neither a public CA nor a site's own certificate can pass as the coordinator.
/// </summary>
public sealed class FederationTls
{
    private volatile string? _lastRefusal;

    public FederationTls(FederationCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.Role != FederationRole.Site)
            throw new ArgumentException($"Certificate '{credentials.Certificate.Subject}' has the {credentials.Role} role; a client connects with a site certificate.", nameof(credentials));
        Credentials = credentials;
    }

    public FederationCredentials Credentials { get; }

    /// <summary>This site's identity: the coordinator knows it by this id, and it is the MQTT device id.</summary>
    public string Identity => Credentials.Identity;

    /// <summary>Why the last server certificate was refused (null when none was): connection errors only say that one was.</summary>
    public string? LastRefusal => _lastRefusal;

    /// <summary>The verdict on a server's certificate during the handshake (platform chain errors are ignored: the federation's check decides).</summary>
    public bool AcceptServer(X509Certificate? certificate, SslPolicyErrors errors)
    {
        string? refusal;
        if (certificate is not X509Certificate2 presented)
            refusal = "the server presented no certificate";
        else if (Credentials.Trust.Check(presented, FederationRole.Coordinator) is { Trusted: false } check)
            refusal = check.Reason;
        else if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            refusal = $"Certificate '{presented.Subject}' does not name the host dialled.";
        else
            refusal = null;
        _lastRefusal = refusal;
        return refusal is null;
    }

    /// <summary>TLS settings for a connection to <paramref name="host"/> (null: the HTTP handler fills it in per request): this site's certificate, the pinned federation CA.</summary>
    public SslClientAuthenticationOptions ClientOptions(string? host = null) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        // Always offered, whatever CA names the server lists: the federation's servers list none.
        LocalCertificateSelectionCallback = (_, _, _, _, _) => Credentials.Certificate,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) => AcceptServer(certificate, errors),
    };
}
