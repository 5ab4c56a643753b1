using Federated.Client.Connection;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;
using Federated.Trust.Tls;

namespace Federated.Client.Cli;

/// <summary>
/// How this client secures its connection, from <c>--bundle</c>, <c>--password-file</c> and
/// <c>--insecure</c>: a site bundle gives mutual TLS (https:// or mqtts://, the coordinator's address
/// defaulting to the bundle's); plain text (http://, mqtt://) only with <c>--insecure</c>.
/// </summary>
internal static class ClientCredentials
{
    public const string PasswordVariable = BundlePassword.EnvironmentVariable;

    /// <summary>The coordinator address to use and the TLS side of this client (null: plain text); throws ArgumentException naming the options that conflict.</summary>
    public static (Uri Coordinator, FederationTls? Tls) Resolve(Uri? coordinator, string? bundle, string? passwordFile, bool insecure)
    {
        if (bundle is null)
        {
            if (!insecure)
                throw new ArgumentException("No --bundle: give this site's bundle (from 'federated-trust issue site') for mutual TLS, or --insecure for plain text in local development.");
            var plain = coordinator ?? new Uri("http://127.0.0.1:5050");
            if (plain.Scheme is not ("http" or "mqtt"))
                throw new ArgumentException($"--coordinator '{plain}' needs TLS, but --insecure asks for plain text: use http:// or mqtt://, or give --bundle instead of --insecure.");
            return (plain, null);
        }
        if (insecure) throw new ArgumentException("--insecure and --bundle conflict: a bundle means mutual TLS; drop one of them.");

        FederationCredentials credentials;
        try
        {
            credentials = FederationCredentials.Load(bundle, BundlePassword.Read(passwordFile));
        }
        catch (FederationTrustException e)
        {
            throw new ArgumentException($"--bundle '{bundle}': {e.Message}", e);
        }
        var address = coordinator ?? (credentials.Manifest?.CoordinatorAddress is { } fromBundle ? new Uri(fromBundle)
            : throw new ArgumentException($"--bundle '{bundle}' names no coordinator address: give --coordinator https://host:port."));
        if (address.Scheme is not ("https" or "mqtts"))
            throw new ArgumentException($"--coordinator '{address}' is plain text, but --bundle asks for mutual TLS: use https:// or mqtts://.");
        return (address, new FederationTls(credentials));
    }
}
