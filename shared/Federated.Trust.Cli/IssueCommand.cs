using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;

namespace Federated.Trust.Cli;

/// <summary><c>issue coordinator</c> and <c>issue site</c>: a certificate and its startup bundle.</summary>
internal static class IssueCommand
{
    public static Command Create(CommonOptions common)
    {
        var issue = new Command("issue", "Issue a certificate and write its startup bundle.");
        issue.Subcommands.Add(Coordinator(common));
        issue.Subcommands.Add(Site(common));
        return issue;
    }

    private static Command Coordinator(CommonOptions common)
    {
        var name = new Option<string>("--name") { Description = "The coordinator's identity (certificate CN).", DefaultValueFactory = _ => "coordinator" };
        var dns = new Option<string[]>("--dns") { Description = "A DNS name clients connect to (repeatable).", AllowMultipleArgumentsPerToken = true };
        var ip = new Option<string[]>("--ip") { Description = "An IP address clients connect to (repeatable).", AllowMultipleArgumentsPerToken = true };
        var shared = new BundleOptions();
        var command = new Command("coordinator", "Issue the coordinator's certificate (TLS server and client, model signing) and its bundle, with PEM key and CRL for Mosquitto.")
        {
            name,
            dns,
            ip,
        };
        shared.AddTo(command);
        CliAction.Set(command, (result, output) =>
        {
            var addresses = (result.GetValue(ip) ?? []).Select(text => IPAddress.TryParse(text, out var address)
                ? address
                : throw new ArgumentException($"--ip: '{text}' is not an IP address.")).ToArray();
            return shared.Issue(result, output, common, result.GetValue(name)!, includePemKey: true, (authority, validity, rsa) =>
                authority.IssueCoordinator(result.GetValue(name)!, result.GetValue(dns) ?? [], addresses, validity, rsa));
        });
        return command;
    }

    private static Command Site(CommonOptions common)
    {
        var id = new Argument<string>("id") { Description = "The site's or device's identity (certificate CN, client id, MQTT device id)." };
        var shared = new BundleOptions();
        var command = new Command("site", "Issue a site's (or device's) client certificate and its bundle.") { id };
        shared.AddTo(command);
        CliAction.Set(command, (result, output) =>
            shared.Issue(result, output, common, result.GetValue(id)!, includePemKey: false, (authority, validity, rsa) =>
                authority.IssueSite(result.GetValue(id)!, validity, rsa)));
        return command;
    }

    /// <summary>Options both issue commands take, and the shared issue-then-bundle steps.</summary>
    private sealed class BundleOptions
    {
        private readonly Option<bool> _rsa = new("--rsa") { Description = "RSA 3072 instead of ECDSA P-256 (needed to receive encrypted envelopes)." };
        private readonly Option<int> _validityDays = new("--validity-days")
        {
            Description = "Lifetime in days.",
            DefaultValueFactory = _ => (int)FederationAuthority.DefaultCertificateValidity.TotalDays,
        };
        private readonly Option<string?> _address = new("--address") { Description = "The coordinator's gRPC address for the bundle, e.g. https://coordinator.example:5001." };
        private readonly Option<string?> _mqttHost = new("--mqtt-host") { Description = "MQTT broker host for the bundle." };
        private readonly Option<int?> _mqttPort = new("--mqtt-port") { Description = "MQTT broker TLS port for the bundle." };
        private readonly Option<string?> _out = new("--out", "-o") { Description = "Bundle folder to create. Default: ./bundles/<identity>." };
        private readonly Option<FileInfo?> _bundlePassword = CommonOptions.BundlePasswordFile();

        public void AddTo(Command command)
        {
            command.Options.Add(_rsa);
            command.Options.Add(_validityDays);
            command.Options.Add(_address);
            command.Options.Add(_mqttHost);
            command.Options.Add(_mqttPort);
            command.Options.Add(_out);
            command.Options.Add(_bundlePassword);
        }

        public int Issue(
            ParseResult result,
            TextWriter output,
            CommonOptions common,
            string identity,
            bool includePemKey,
            Func<FederationAuthority, TimeSpan, bool, X509Certificate2> issue)
        {
            FederationIdentity.Validate(identity, "id");
            var days = result.GetValue(_validityDays);
            if (days <= 0)
            {
                throw new ArgumentException($"--validity-days must be positive (got {days}).");
            }

            if (BundleManifest.AddressProblem(result.GetValue(_address), result.GetValue(_mqttPort)) is { } problem)
            {
                throw new ArgumentException($"--address/--mqtt-port: {problem}.");
            }

            var directory = result.GetValue(_out) ?? Path.Combine("bundles", identity);
            if (File.Exists(Path.Combine(directory, BundleFiles.Manifest)))
            {
                throw new InvalidOperationException($"'{directory}' already holds a bundle; remove it or choose another --out.");
            }

            // Read both passwords before changing anything, so a missing one leaves no half-issued state.
            var caPassword = common.CaPassword(result);
            var bundlePassword = common.BundlePassword(result, _bundlePassword);
            var caDirectory = result.GetValue(common.CaDirectory)!;
            using var held = common.Lock(result);
            using var authority = FederationAuthority.Load(caDirectory, caPassword);
            using var certificate = issue(authority, TimeSpan.FromDays(days), result.GetValue(_rsa));
            var crl = authority.BuildRevocationList();

            // Record the serial before handing out the certificate: a failed bundle write then
            // wastes a serial instead of letting the next run reuse it.
            authority.Save(caDirectory, caPassword);
            crl.WritePem(Path.Combine(caDirectory, BundleFiles.Crl));
            using var ca = authority.PublicCertificate();
            FederationBundle.Write(
                directory, certificate, ca, bundlePassword,
                result.GetValue(_address), result.GetValue(_mqttHost), result.GetValue(_mqttPort), crl, includePemKey);
            output.WriteLine($"Issued {FederationIdentity.RoleOf(certificate)} '{identity}' serial {SerialNumbers.FromBytes(certificate.SerialNumberBytes.Span)}, valid until {certificate.NotAfter.ToUniversalTime():u}");
            output.WriteLine($"  bundle: {Path.GetFullPath(directory)}");
            return 0;
        }
    }
}
