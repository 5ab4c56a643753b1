using System.Security.Cryptography;

namespace Federated.Trust.Pki;

/// <summary>
/// Object identifiers the federation puts in its certificates.
/// </summary>
/// <remarks>
/// The role travels as an extended-key-usage purpose, next to the standard TLS purposes, because
/// EKU is the X.509 field whose job is "what this key may be used for" (RFC 5280 §4.2.1.12) and
/// every TLS stack already tolerates unknown purposes there. The arc is a UUID OID
/// (ITU-T X.667 / RFC 4122 §1, the 2.25 arc), which needs no registration and cannot collide:
/// 2.25.302211626680540314347364705702810466497 = UUID e35bd796-43b0-4249-8c94-d814d85fb8c1.
/// A site certificate carries clientAuth + the site purpose only, so it can neither serve TLS as
/// the coordinator nor pass a coordinator role check on a model signature.
/// </remarks>
public static class FederationOids
{
    /// <summary>The federation's private arc (a UUID OID).</summary>
    public const string Arc = "2.25.302211626680540314347364705702810466497";

    /// <summary>EKU purpose: federation coordinator.</summary>
    public const string CoordinatorRole = Arc + ".1.1";

    /// <summary>EKU purpose: federation site or device.</summary>
    public const string SiteRole = Arc + ".1.2";

    /// <summary>id-kp-serverAuth (RFC 5280 §4.2.1.12).</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>id-kp-clientAuth (RFC 5280 §4.2.1.12).</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>id-aes256-CBC (RFC 3565 §4.1), the envelope's content cipher.</summary>
    public const string Aes256Cbc = "2.16.840.1.101.3.4.1.42";

    /// <summary>The role purpose for <paramref name="role"/>.</summary>
    public static string RoleOid(FederationRole role) => role switch
    {
        FederationRole.Coordinator => CoordinatorRole,
        FederationRole.Site => SiteRole,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown federation role."),
    };

    internal static Oid Oid(string value) => new(value, null);
}
