using System.CommandLine;
using Federated.Trust.Bundles;

namespace Federated.Trust.Cli;

/// <summary><c>crl</c>: signs and writes the current revocation list (e.g. before next-update passes).</summary>
internal static class CrlCommand
{
    public static Command Create(CommonOptions common)
    {
        var output = new Option<string?>("--out", "-o") { Description = "Where to write it. Default: <ca-dir>/crl.pem." };
        var der = new Option<bool>("--der") { Description = "Write DER instead of PEM." };
        var nextUpdateDays = new Option<int>("--next-update-days")
        {
            Description = "Days until the list's next-update.",
            DefaultValueFactory = _ => (int)Pki.FederationAuthority.DefaultCrlValidity.TotalDays,
        };
        var command = new Command("crl", "Sign and write the current certificate revocation list.") { output, der, nextUpdateDays };
        CliAction.Set(command, (result, writer) =>
        {
            var days = result.GetValue(nextUpdateDays);
            if (days <= 0)
            {
                throw new ArgumentException($"--next-update-days must be positive (got {days}).");
            }

            var password = common.CaPassword(result);
            var caDirectory = result.GetValue(common.CaDirectory)!;
            using var held = common.Lock(result);
            using var authority = common.LoadAuthority(result);
            var crl = authority.BuildRevocationList(TimeSpan.FromDays(days));
            authority.Save(caDirectory, password);
            var path = result.GetValue(output) ?? Path.Combine(caDirectory, BundleFiles.Crl);
            if (result.GetValue(der))
            {
                crl.WriteDer(path);
            }
            else
            {
                crl.WritePem(path);
            }

            writer.WriteLine($"CRL with {authority.Issued.Count(c => c.IsRevoked)} revoked certificate(s), next update in {days} days, written to {Path.GetFullPath(path)}");
            return 0;
        });
        return command;
    }
}
