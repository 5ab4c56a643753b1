using System.CommandLine;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;

namespace Federated.Trust.Cli;

/// <summary><c>ca create</c>: a new federation root CA.</summary>
internal static class CaCommand
{
    public static Command Create(CommonOptions common)
    {
        var federation = new Option<string>("--federation", "-f")
        {
            Description = "The federation's name (the CA's organisation).",
            Required = true,
        };
        var validityDays = new Option<int>("--validity-days")
        {
            Description = "Lifetime of the root CA in days.",
            DefaultValueFactory = _ => (int)FederationAuthority.DefaultCaValidity.TotalDays,
        };
        var rsa = new Option<bool>("--rsa") { Description = "RSA 3072 instead of ECDSA P-256 for the CA key." };

        var create = new Command("create", "Create the federation root CA in --ca-dir (refuses to overwrite an existing one).")
        {
            federation,
            validityDays,
            rsa,
        };
        CliAction.Set(create, (result, output) =>
        {
            var directory = result.GetValue(common.CaDirectory)!;
            using var held = common.Lock(result);
            if (File.Exists(Path.Combine(directory, FederationAuthority.KeyFileName)))
            {
                throw new InvalidOperationException($"'{directory}' already holds a federation CA; refusing to overwrite it.");
            }

            var days = result.GetValue(validityDays);
            if (days <= 0)
            {
                throw new ArgumentException($"--validity-days must be positive (got {days}).");
            }

            var password = common.CaPassword(result);
            using var authority = FederationAuthority.Create(result.GetValue(federation)!, TimeSpan.FromDays(days), result.GetValue(rsa));
            var crl = authority.BuildRevocationList();
            authority.Save(directory, password);
            crl.WritePem(Path.Combine(directory, BundleFiles.Crl));
            output.WriteLine($"Created federation CA '{authority.Certificate.Subject}' in {Path.GetFullPath(directory)}");
            output.WriteLine($"  valid until {authority.Certificate.NotAfter.ToUniversalTime():u}, SHA-256 {authority.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}");
            return 0;
        });

        return new Command("ca", "Manage the federation root CA.") { create };
    }
}
