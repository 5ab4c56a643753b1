using System.Security.Cryptography.X509Certificates;

namespace Federated.Trust.Pki;

/// <summary>
/// The identity a federation certificate names: its subject common name. The identity is used
/// as a client id, an MQTT client id and an MQTT topic level, so it is validated to be safe there.
/// </summary>
public static class FederationIdentity
{
    /// <summary>Longest identity accepted (MQTT topic levels and client ids stay short).</summary>
    public const int MaxLength = 128;

    /// <summary>The identity in <paramref name="certificate"/> (its subject CN), validated.</summary>
    /// <exception cref="FormatException">The certificate has no CN or the CN is not a valid identity.</exception>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (certificate.SubjectName.EnumerateRelativeDistinguishedNames().Any(rdn => rdn.HasMultipleElements))
        {
            // A multi-valued component could hide a second CN that other TLS libraries would read.
            throw new FormatException($"Certificate '{certificate.Subject}' has a multi-valued subject name component; federation subjects have single-valued ones.");
        }

        var commonNames = CommonNameCount(certificate);
        if (string.IsNullOrEmpty(commonName) || commonNames == 0)
        {
            throw new FormatException($"Certificate '{certificate.Subject}' has no subject CN, so it names no federation identity.");
        }

        // TLS libraries disagree on which of several CNs counts (Mosquitto's use_identity_as_username
        // and .NET may read different ones), so a certificate must name exactly one.
        if (commonNames > 1)
        {
            throw new FormatException($"Certificate '{certificate.Subject}' has {commonNames} subject CNs; a federation identity needs exactly one.");
        }

        if (Problem(commonName) is { } problem)
        {
            throw new FormatException($"Certificate '{certificate.Subject}': identity {problem}.");
        }

        return commonName;
    }

    /// <summary>The identity, or null with a reason, without throwing.</summary>
    public static bool TryOf(X509Certificate2 certificate, out string? identity, out string? reason)
    {
        try
        {
            identity = Of(certificate);
            reason = null;
            return true;
        }
        catch (FormatException e)
        {
            identity = null;
            reason = e.Message;
            return false;
        }
    }

    /// <summary>The role the certificate's extended key usage grants, or null when it grants none.</summary>
    public static FederationRole? RoleOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var purposes = Purposes(certificate);
        var coordinator = purposes.Contains(FederationOids.CoordinatorRole);
        var site = purposes.Contains(FederationOids.SiteRole);

        // A certificate claiming both roles is malformed; treating it as either would let one
        // mis-issued certificate act as the coordinator.
        return (coordinator, site) switch
        {
            (true, false) => FederationRole.Coordinator,
            (false, true) => FederationRole.Site,
            _ => null,
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="parameterName"/> if <paramref name="identity"/> is invalid.</summary>
    public static void Validate(string identity, string parameterName)
    {
        if (Problem(identity) is { } problem)
        {
            throw new ArgumentException($"Identity '{identity}' {problem}.", parameterName);
        }
    }

    /// <summary>Why <paramref name="identity"/> is not acceptable, or null when it is.</summary>
    public static string? Problem(string? identity)
    {
        if (string.IsNullOrEmpty(identity))
        {
            return "is empty";
        }

        if (identity.Length > MaxLength)
        {
            return $"is {identity.Length} characters long (at most {MaxLength})";
        }

        foreach (var c in identity)
        {
            // '/' separates MQTT topic levels, '+' and '#' are MQTT wildcards, NUL ends C strings;
            // other control characters would make logs and file names ambiguous.
            if (c is '/' or '+' or '#' || char.IsControl(c))
            {
                return $"contains '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}' (not allowed: / + # and control characters)";
            }
        }

        if (identity.Trim().Length != identity.Length)
        {
            return "starts or ends with white space";
        }

        return null;
    }

    internal static HashSet<string> Purposes(X509Certificate2 certificate)
    {
        var purposes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension eku)
            {
                foreach (var oid in eku.EnhancedKeyUsages)
                {
                    if (oid.Value is { } value)
                    {
                        purposes.Add(value);
                    }
                }
            }
        }

        return purposes;
    }

    // GetNameInfo falls back to other name parts when there is no CN; the identity must be a CN.
    private static int CommonNameCount(X509Certificate2 certificate)
    {
        var count = 0;
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value == "2.5.4.3")
            {
                count++;
            }
        }

        return count;
    }
}
