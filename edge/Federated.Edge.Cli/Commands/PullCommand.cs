using System.CommandLine;
using System.Globalization;
using Federated.Edge.Export;
using Federated.Edge.Pull;
using Federated.Trust.Bundles;
using Federated.Trust.Pki;

namespace Federated.Edge.Cli.Commands;

/// <summary><c>pull</c>: a finished round's global model from a coordinator, verified, to a model file (and optionally straight to ONNX).</summary>
internal static class PullCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var coordinator = new Option<string?>("--coordinator", "-c")
        {
            Description = "The coordinator's gRPC endpoint: https:// with --bundle (default: the bundle's address), http:// without (local development; default http://127.0.0.1:5050).",
        };
        var bundle = new Option<string?>("--bundle", "-b")
        {
            Description = "A bundle of the federation (from 'federated-trust issue site'): mutual TLS with its certificate, the federation CA pinned, and the coordinator's signature on the model verified.",
        };
        var passwordFile = new Option<string?>("--password-file")
        {
            Description = $"A file whose first line is the bundle's password (default: the {BundlePassword.EnvironmentVariable} environment variable).",
        };
        var round = new Option<string>("--round", "-r") { Description = "The round whose global model to fetch, or 'latest'.", DefaultValueFactory = _ => "latest" };
        var destination = new Option<string>("--output", "-o") { Description = "Where to write the verified model file.", Required = true };
        var export = new Option<string?>("--export") { Description = "Also export the pulled model to this FP32 ONNX file." };
        var command = new Command("pull", "Downloads a round's (or the latest) global model from a coordinator and verifies its checksum and content hash.")
        {
            coordinator, bundle, passwordFile, round, destination, export,
        };
        command.Validators.Add(result =>
        {
            if (Given.TryGet(result, coordinator, out string? address) && !TryParseAddress(address, out _))
                result.AddError($"--coordinator '{address}' is not an http:// or https:// address.");
            if (Given.TryGet(result, passwordFile, out string? _) && !Given.TryGet(result, bundle, out string? _))
                result.AddError("--password-file is the password of a --bundle; give the bundle too.");
            if (Given.TryGet(result, round, out string text) && !TryParseRound(text, out _))
                result.AddError($"--round '{text}' is neither 'latest' nor a round number >= 1.");
        });
        command.SetAction((result, cancellationToken) => CommandRunner.RunAsync(error, async () =>
        {
            var (address, credentials) = Connect(result.GetValue(coordinator), result.GetValue(bundle), result.GetValue(passwordFile));
            _ = TryParseRound(result.GetValue(round), out long number);
            string path = result.GetValue(destination)!;
            using var puller = new GlobalModelPuller(address, credentials);
            var model = await puller.PullToFileAsync(path, number, cancellationToken).ConfigureAwait(false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Pulled round {model.Round}'s global model {model.ContentHash} ({model.File.Length} bytes, checksum and content hash verified{(model.SignedBy is { } signer ? $", signed by coordinator '{signer}'" : ", not signed: plain-text development")}; latest completed round {model.LatestRound}) to '{path}'."));
            output.WriteLine($"architecture: {model.Snapshot.Architecture?.ToString() ?? "(none recorded)"}");
            if (result.GetValue(export) is { } onnxPath)
            {
                if (model.Snapshot.Architecture is null) throw new CliException("The pulled model records no architecture, so it cannot be exported to ONNX.");
                byte[] onnx = OnnxExporter.ExportFloat(model.Snapshot, new OnnxExportOptions { Round = model.Round, ContentHash = model.ContentHash });
                ModelFiles.WriteAtomically(onnxPath, onnx);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Exported it to '{onnxPath}': {onnx.Length} bytes FP32 ONNX."));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The address to pull from and the bundle's credentials (null: plain text); a bundle means https://.</summary>
    private static (Uri Address, FederationCredentials? Credentials) Connect(string? coordinator, string? bundle, string? passwordFile)
    {
        _ = TryParseAddress(coordinator, out var given);
        if (bundle is null)
        {
            var plain = given ?? new Uri("http://127.0.0.1:5050");
            if (plain.Scheme != "http")
                throw new CliException($"--coordinator '{plain}' is https://: give --bundle (the federation's certificate and CA) to connect with mutual TLS.");
            return (plain, null);
        }
        FederationCredentials credentials;
        try
        {
            credentials = FederationCredentials.Load(bundle, BundlePassword.Read(passwordFile));
        }
        catch (Exception e) when (e is FederationTrustException or ArgumentException)
        {
            throw new CliException($"--bundle '{bundle}': {e.Message}");
        }
        var address = given ?? (credentials.Manifest?.CoordinatorAddress is { } fromBundle ? new Uri(fromBundle)
            : throw new CliException($"--bundle '{bundle}' names no coordinator address: give --coordinator https://host:port."));
        if (address.Scheme != "https")
            throw new CliException($"--coordinator '{address}' is plain http://, but --bundle asks for mutual TLS: use https://.");
        return (address, credentials);
    }

    private static bool TryParseAddress(string? text, out Uri? address) =>
        Uri.TryCreate(text, UriKind.Absolute, out address) && address.Scheme is "http" or "https";

    /// <summary>'latest' is 0 on the wire.</summary>
    internal static bool TryParseRound(string? text, out long round)
    {
        round = 0;
        if (text is null || string.Equals(text, "latest", StringComparison.OrdinalIgnoreCase)) return true;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out round) && round >= 1;
    }
}
