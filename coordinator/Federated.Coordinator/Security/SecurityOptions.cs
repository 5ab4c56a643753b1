namespace Federated.Coordinator.Security;

/// <summary>
/// The <c>Security</c> configuration section: how the coordinator's transports are protected and
/// where its credentials (a startup bundle from <c>federated-trust issue coordinator</c>) live.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>The environment variable read for the bundle password when no password file is configured.</summary>
    public const string PasswordEnvironmentVariable = Federated.Trust.Bundles.BundlePassword.EnvironmentVariable;

    public TransportSecurityMode Mode { get; set; } = TransportSecurityMode.MutualTls;

    /// <summary>The coordinator's startup bundle folder (bundle.json, ca.crt, the password-protected PFX, crl.pem).</summary>
    public string? Bundle { get; set; }

    /// <summary>
    /// A file holding the PFX password (first line). Without it the password comes from the
    /// <c>FEDERATED_TRUST_BUNDLE_PASSWORD</c> environment variable; it is never taken from the command line.
    /// </summary>
    public string? PasswordFile { get; set; }

    /// <summary>
    /// The federation's revocation list (PEM or DER); default: the bundle's <c>crl.pem</c> when it has
    /// one. Reloaded when the file changes, so revoking a site needs no restart.
    /// </summary>
    public string? RevocationList { get; set; }

    /// <summary>
    /// How often the revocation list file is checked for changes, and how long a connection's
    /// certificate check is trusted before it is made again (later calls on an open connection see a
    /// revocation within this time).
    /// </summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsMutualTls => Mode == TransportSecurityMode.MutualTls;
}
