using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;

namespace Federated.Trust.Cli;

/// <summary><c>revoke &lt;id|serial&gt;</c>: revokes and writes the new CRL.</summary>
internal static class RevokeCommand
{
    public static Command Create(CommonOptions common)
    {
        var target = new Argument<string>("id-or-serial")
        {
            Description = "An identity (revokes all its certificates) or a serial in hexadecimal; prefix 'id:' or 'serial:' when one could be read as the other.",
        };
        var reason = new Option<X509RevocationReason>("--reason")
        {
            Description = "RFC 5280 reason code, e.g. KeyCompromise, CessationOfOperation, Superseded.",
            DefaultValueFactory = _ => X509RevocationReason.Unspecified,
        };
        var command = new Command("revoke", "Revoke a site's or the coordinator's certificates and write the new CRL to <ca-dir>/crl.pem.")
        {
            target,
            reason,
        };
        CliAction.Set(command, (result, output) =>
        {
            var password = common.CaPassword(result);
            var caDirectory = result.GetValue(common.CaDirectory)!;
            using var held = common.Lock(result);
            using var authority = FederationAuthority.Load(caDirectory, password);
            var serials = Resolve(authority, result.GetValue(target)!);
            var revoked = serials.Where(serial => authority.Revoke(serial, result.GetValue(reason))).ToList();
            var crlPath = Path.Combine(caDirectory, BundleFiles.Crl);
            var crl = authority.BuildRevocationList();
            authority.Save(caDirectory, password);
            crl.WritePem(crlPath);
            foreach (var record in authority.Issued.Where(c => serials.Contains(c.Serial)))
            {
                var now = revoked.Contains(record.Serial) ? "revoked" : "was already revoked";
                output.WriteLine($"{record.Identity} serial {record.Serial}: {now} ({record.RevocationReason})");
            }

            output.WriteLine($"CRL written to {Path.GetFullPath(crlPath)}; copy it over the coordinator's and broker's crl.pem (the coordinator reloads it when the file changes).");
            return 0;
        });
        return command;
    }

    /// <summary>The serials <paramref name="target"/> names: an identity's certificates or one serial.</summary>
    private static List<string> Resolve(FederationAuthority authority, string target)
    {
        var issued = authority.Issued;
        if (target.StartsWith("serial:", StringComparison.Ordinal))
        {
            return [BySerial(issued, target["serial:".Length..]) ?? throw new KeyNotFoundException($"No certificate with serial '{target["serial:".Length..]}'.")];
        }

        if (target.StartsWith("id:", StringComparison.Ordinal))
        {
            return ByIdentity(issued, target["id:".Length..]);
        }

        var serial = BySerial(issued, target);
        var byIdentity = issued.Any(c => c.Identity == target);
        return (serial, byIdentity) switch
        {
            (not null, true) => throw new ArgumentException($"'{target}' is both an identity and a serial; write 'id:{target}' or 'serial:{target}'."),
            (not null, false) => [serial],
            (null, true) => ByIdentity(issued, target),
            _ => throw new KeyNotFoundException($"The federation CA '{authority.FederationName}' issued no certificate to or with serial '{target}' (see 'federated-trust list')."),
        };
    }

    private static string? BySerial(IReadOnlyList<IssuedCertificate> issued, string text) =>
        SerialNumbers.Normalize(text) is { } serial && issued.Any(c => c.Serial == serial) ? serial : null;

    private static List<string> ByIdentity(IReadOnlyList<IssuedCertificate> issued, string identity)
    {
        var serials = issued.Where(c => c.Identity == identity).Select(c => c.Serial).ToList();
        return serials.Count > 0 ? serials : throw new KeyNotFoundException($"No certificate was issued to '{identity}'.");
    }
}
