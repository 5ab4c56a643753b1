using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Security;

/// <summary>What a certificate check decided: the certified identity and role, or why not.</summary>
public readonly record struct PeerCheck(string? Identity, FederationRole? Role, string? Refusal)
{
    public bool Trusted => Identity is not null;
}

/// <summary>
/// The coordinator's transport security, shared by gRPC (Kestrel) and MQTT: the mode, the
/// coordinator's own certificate, and the checks of a peer's certificate against the federation CA
/// and its revocation list. Credentials are those registered in the container (loaded from
/// <c>Security:Bundle</c>, or given by a test) and are resolved on first use.
/// </summary>
public sealed partial class TransportSecurity(IOptions<SecurityOptions> options, IServiceProvider services, TimeProvider time, ILogger<TransportSecurity> logger)
{
    private readonly SecurityOptions _options = options.Value;

    // Verdicts on certificates of open connections, valid while the revocation list in force is the
    // same object and the certificate has not expired: a call or a sweep then costs a lookup, not a
    // chain build, and a new list (a revocation) or an expiry forces a fresh check.
    private readonly ConcurrentDictionary<(string Thumbprint, FederationRole Role), (RevocationList List, PeerCheck Check)> _verdicts = new();
    private readonly Lazy<FederationCredentials> _credentials = new(() => services.GetService<FederationCredentials>()
        ?? throw new InvalidOperationException(
            $"{SecurityOptions.SectionName}:Mode is {TransportSecurityMode.MutualTls} (the default) but no credentials are configured: set {SecurityOptions.SectionName}:Bundle " +
            $"to the coordinator's bundle from 'federated-trust issue coordinator', or {SecurityOptions.SectionName}:Mode={TransportSecurityMode.Insecure} for local development."));

    public TransportSecurityMode Mode => _options.Mode;

    public bool IsMutualTls => _options.IsMutualTls;

    /// <summary>How often open connections' certificates are checked again (<c>Security:RevocationCheckInterval</c>).</summary>
    public TimeSpan RevocationCheckInterval => _options.RevocationCheckInterval;

    /// <summary>The coordinator's credentials; throws with the configuration keys to set when there are none.</summary>
    public FederationCredentials Credentials => _credentials.Value;

    /// <summary>The coordinator's certificate with its private key: Kestrel's and the embedded broker's server certificate, the MQTT channel's client certificate.</summary>
    public X509Certificate2 Certificate => Credentials.Certificate;

    /// <summary>The coordinator's own identity (its certificate's).</summary>
    public string Identity => Credentials.Identity;

    /// <summary>
    /// Checks a peer's certificate: issued by the federation CA, in date, not revoked, and of one of
    /// <paramref name="roles"/>. Never throws for a bad certificate.
    /// </summary>
    public PeerCheck Check(X509Certificate2 certificate, params ReadOnlySpan<FederationRole> roles)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var result = Credentials.Trust.Check(certificate, roles.Length == 1 ? roles[0] : null);
        if (!result.Trusted) return new PeerCheck(null, null, result.Reason);
        if (!roles.Contains(result.Role!.Value))
            return new PeerCheck(null, null, $"Certificate '{certificate.Subject}' has the {result.Role} role, which may not connect here.");
        return new PeerCheck(result.Identity, result.Role, null);
    }

    /// <summary>
    /// Checks again the certificate of a connection accepted earlier (every gRPC call, every broker
    /// sweep): the same as <see cref="Check"/>, remembered until the revocation list changes or the
    /// certificate expires.
    /// </summary>
    public PeerCheck Recheck(X509Certificate2 certificate, FederationRole role)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var list = Credentials.Trust.RevocationList; // re-reads the CRL file when it changed
        var key = (certificate.Thumbprint, role);
        if (_verdicts.TryGetValue(key, out var known) && ReferenceEquals(known.List, list) && time.GetUtcNow() < certificate.NotAfter.ToUniversalTime())
            return known.Check;
        var check = Check(certificate, role);
        if (check.Trusted) _verdicts[key] = (list, check);
        else _verdicts.TryRemove(key, out _);
        return check;
    }

    /// <summary>
    /// A TLS handshake's verdict on a client certificate: the chain errors the platform reports are
    /// ignored (the federation CA is not, and must not be, in the system store); the federation's own
    /// check decides. Refusals are logged with the subject and the reason.
    /// </summary>
    public bool AcceptClient(X509Certificate? certificate, string transport, params ReadOnlySpan<FederationRole> roles)
    {
        if (certificate is not X509Certificate2 presented)
        {
            LogRefused(transport, "(none)", "no client certificate was presented");
            return false;
        }
        var check = Check(presented, roles);
        if (!check.Trusted) LogRefused(transport, presented.Subject, check.Refusal!);
        return check.Trusted;
    }

    /// <summary>
    /// Whether a server (an external MQTT broker) may be trusted: its certificate must chain to the
    /// federation CA, unrevoked, with the coordinator role, and name the host dialled.
    /// </summary>
    public bool AcceptServer(X509Certificate? certificate, SslPolicyErrors errors, string transport)
    {
        if (certificate is not X509Certificate2 presented)
        {
            LogRefused(transport, "(none)", "the server presented no certificate");
            return false;
        }
        if (!AcceptClient(presented, transport, FederationRole.Coordinator)) return false;
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0) return true;
        LogRefused(transport, presented.Subject, "the certificate does not name the host dialled");
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Transport}: refused the certificate {Subject}: {Reason}")]
    private partial void LogRefused(string transport, string subject, string reason);
}
