namespace Federated.Trust.Bundles;

/// <summary>File names inside a startup bundle folder.</summary>
public static class BundleFiles
{
    /// <summary>The manifest.</summary>
    public const string Manifest = "bundle.json";

    /// <summary>The federation CA certificate (PEM).</summary>
    public const string Ca = "ca.crt";

    /// <summary>The federation CRL (PEM).</summary>
    public const string Crl = "crl.pem";

    /// <summary>The party's password-protected PKCS#12: <c>&lt;identity&gt;.pfx</c>.</summary>
    public static string Pfx(string identity) => identity + ".pfx";

    /// <summary>The party's certificate as PEM: <c>&lt;identity&gt;.crt</c>.</summary>
    public static string Certificate(string identity) => identity + ".crt";

    /// <summary>The party's unencrypted private key as PEM: <c>&lt;identity&gt;.key</c>.</summary>
    public static string Key(string identity) => identity + ".key";
}
