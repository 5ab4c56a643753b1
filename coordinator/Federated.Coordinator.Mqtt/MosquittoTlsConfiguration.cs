using System.Globalization;
using Federated.Protocol;
using Federated.Trust.Bundles;

namespace Federated.Coordinator.Mqtt;

/// <summary>
/// Mosquitto 2 settings that give an external broker the embedded broker's rules, from the
/// coordinator's bundle (issued with PEM files): a TLS listener with the coordinator's certificate,
/// client certificates required and checked against the federation CA and its CRL, the
/// certificate's identity (CN) as the user name, and an ACL that keeps every site to its own topics.
/// </summary>
/// <remarks>
/// Mosquitto reads the CRL when it starts (and on SIGHUP): after <c>federated-trust revoke</c> and
/// <c>crl</c>, signal the broker. Unlike the embedded broker, Mosquitto cannot require the MQTT
/// client id to equal the user name; the ACL (by user name, i.e. by certificate) still keeps a site
/// off every other site's topics, but a site could take over another's session id.
/// </remarks>
/// <param name="Configuration">The <c>mosquitto.conf</c> lines for the listener and its security.</param>
/// <param name="Acl">The ACL file's contents.</param>
public sealed record MosquittoTlsConfiguration(string Configuration, string Acl)
{
    /// <param name="bundle">The coordinator's bundle folder (with <c>&lt;identity&gt;.crt</c>, <c>.key</c>, and <c>crl.pem</c> when there is one).</param>
    /// <param name="federation">The federation's topic level (<c>Mqtt:Federation</c>).</param>
    /// <param name="aclPath">Where the ACL file will be written (the configuration names it).</param>
    public static MosquittoTlsConfiguration Create(string bundle, string federation, int port, string aclPath, string bindAddress = "0.0.0.0")
    {
        var manifest = BundleManifest.Read(bundle);
        if (manifest.CertificateFile is null || manifest.KeyFile is null)
            throw new ArgumentException($"Bundle '{bundle}' has no PEM certificate and key for Mosquitto: issue the coordinator's bundle with them (federated-trust issue coordinator).", nameof(bundle));
        var topics = new MqttTopics(federation);
        string Full(string file) => Path.GetFullPath(Path.Combine(bundle, file));
        var lines = new List<string>
        {
            "# Federation '" + manifest.FederationName + "': mutual TLS, identities from certificates (generated from " + Path.GetFullPath(bundle) + ")",
            string.Create(CultureInfo.InvariantCulture, $"listener {port} {bindAddress}"),
            "cafile " + Full(manifest.CaFile),
            "certfile " + Full(manifest.CertificateFile),
            "keyfile " + Full(manifest.KeyFile),
            "tls_version tlsv1.2",
            "require_certificate true",
            "use_identity_as_username true",
            "allow_anonymous false",
            "acl_file " + Path.GetFullPath(aclPath),
        };
        if (manifest.CrlFile is not null) lines.Add("crlfile " + Full(manifest.CrlFile));
        string acl = string.Join('\n',
            "# The coordinator may use every topic of the federation.",
            "user " + manifest.Identity,
            $"topic readwrite {topics.Root}/#",
            "",
            "# Every site (%u is its certificate's identity): its own requests, replies and presence; any model chunk.",
            $"pattern write {topics.Root}/c/%u/req",
            $"pattern read {topics.Root}/c/%u/res",
            $"pattern write {topics.Root}/presence/%u",
            $"pattern read {topics.Root}/models/#",
            "");
        return new MosquittoTlsConfiguration(string.Join('\n', lines) + "\n", acl);
    }
}
