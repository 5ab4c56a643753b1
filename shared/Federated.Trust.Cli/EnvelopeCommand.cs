using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Federated.Trust.Bundles;
using Federated.Trust.Cms;
using Federated.Trust.Pki;

namespace Federated.Trust.Cli;

/// <summary>
/// <c>envelope seal FILE --to RECIPIENT... -o OUT</c> and <c>envelope open FILE --bundle DIR -o OUT</c>:
/// CMS EnvelopedData for a model at rest or relayed through parties that must not read it (an
/// untrusted broker, a shared disk). Recipients need RSA certificates (<c>issue site --rsa</c>): .NET
/// on Linux cannot encrypt to ECDH recipients. The content is encrypted, not authenticated: models
/// carry their own checksum and content hash, and the coordinator's signature travels beside them.
/// </summary>
internal static class EnvelopeCommand
{
    public static Command Create(CommonOptions common)
    {
        var sealFile = new Argument<FileInfo>("file") { Description = "The file to encrypt (e.g. a .fedmodel)." };
        var recipients = new Option<string[]>("--to")
        {
            Description = "A recipient: a certificate file (PEM or DER) or a bundle folder (its public certificate). Repeat for several.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var sealOutput = new Option<FileInfo>("--output", "-o") { Description = "Where to write the envelope (DER).", Required = true };
        var seal = new Command("seal", "Encrypt a file to one or more RSA recipients of the federation.") { sealFile, recipients, sealOutput };
        CliAction.Set(seal, (result, output) =>
        {
            var file = result.GetValue(sealFile)!;
            if (!file.Exists) throw new ArgumentException($"'{file.FullName}' does not exist.");
            var certificates = new List<X509Certificate2>();
            try
            {
                foreach (string recipient in result.GetValue(recipients)!) certificates.Add(LoadRecipient(recipient));
                byte[] envelope = CmsEnvelope.Encrypt(File.ReadAllBytes(file.FullName), certificates);
                AtomicFile.WriteAllBytes(result.GetValue(sealOutput)!.FullName, envelope);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Sealed '{file.Name}' ({file.Length} bytes) to {string.Join(", ", certificates.Select(FederationIdentity.Of))}: {envelope.Length} bytes."));
                return 0;
            }
            finally
            {
                foreach (var certificate in certificates) certificate.Dispose();
            }
        });

        var openFile = new Argument<FileInfo>("envelope") { Description = "The envelope to decrypt." };
        var bundle = new Option<DirectoryInfo>("--bundle", "-b") { Description = "The recipient's bundle (its certificate and RSA key).", Required = true };
        var bundlePassword = CommonOptions.BundlePasswordFile();
        var openOutput = new Option<FileInfo>("--output", "-o") { Description = "Where to write the decrypted file.", Required = true };
        var open = new Command("open", "Decrypt an envelope addressed to this bundle's certificate.") { openFile, bundle, bundlePassword, openOutput };
        CliAction.Set(open, (result, output) =>
        {
            var file = result.GetValue(openFile)!;
            if (!file.Exists) throw new ArgumentException($"'{file.FullName}' does not exist.");
            var credentials = FederationCredentials.Load(result.GetValue(bundle)!.FullName, common.BundlePassword(result, bundlePassword));
            byte[] content = CmsEnvelope.Decrypt(File.ReadAllBytes(file.FullName), credentials.Certificate);
            // The plaintext is what the envelope protected: readable by its owner only.
            AtomicFile.WriteAllBytes(result.GetValue(openOutput)!.FullName, content, ownerOnly: true);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Opened '{file.Name}' for '{credentials.Identity}': {content.Length} bytes."));
            return 0;
        });

        return new Command("envelope", "Encrypt files (models) to RSA recipients, and decrypt them (CMS EnvelopedData).") { seal, open };
    }

    /// <summary>A certificate file, or a bundle folder's public certificate.</summary>
    private static X509Certificate2 LoadRecipient(string path)
    {
        if (Directory.Exists(path))
        {
            var manifest = BundleManifest.Read(path);
            string certificate = Path.Combine(path, manifest.CertificateFile ?? BundleFiles.Certificate(manifest.Identity));
            if (!File.Exists(certificate))
                throw new ArgumentException($"--to '{path}': the bundle has no public certificate ('{Path.GetFileName(certificate)}'); give the recipient's certificate file instead.");
            return PemFiles.LoadCertificate(certificate);
        }
        if (!File.Exists(path)) throw new ArgumentException($"--to '{path}' is neither a certificate file nor a bundle folder.");
        return PemFiles.LoadCertificate(path);
    }
}
