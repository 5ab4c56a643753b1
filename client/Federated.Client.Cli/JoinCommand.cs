using System.CommandLine;
using System.Globalization;

namespace Federated.Client.Cli;

/// <summary>The command line of <c>federated-client</c>.</summary>
internal static class JoinCommand
{
    public static RootCommand Create()
    {
        var coordinator = new Option<string?>("--coordinator", "-c")
        {
            Description = "The coordinator: its gRPC endpoint (https://, or http:// with --insecure), or an MQTT broker it listens on (mqtts://host:port/federation, or mqtt:// with --insecure). Default: the bundle's address.",
        };
        var bundle = new Option<string?>("--bundle", "-b")
        {
            Description = "This site's startup bundle folder (from 'federated-trust issue site'): its certificate, the federation CA, the coordinator's address. Connections use mutual TLS.",
        };
        var passwordFile = new Option<string?>("--password-file")
        {
            Description = "A file whose first line is the bundle's password (default: the FEDERATED_TRUST_BUNDLE_PASSWORD environment variable).",
        };
        var insecure = new Option<bool>("--insecure")
        {
            Description = "Plain text without a certificate, for local development only: the coordinator must run with Security:Mode=Insecure.",
        };
        var data = new Option<string>("--data", "-d")
        {
            Description = "Local training data: 'fashion-mnist' (the Debian dataset-fashion-mnist files, or a folder holding the IDX files) or a .csv file.",
            DefaultValueFactory = _ => "fashion-mnist",
        };
        var labelColumn = new Option<string>("--label-column")
        {
            Description = "Name of the label column of a CSV dataset.",
            DefaultValueFactory = _ => "label",
        };
        var shard = new Option<string?>("--shard")
        {
            Description = "Use only shard K of N of the data (1-based, e.g. 2/3): an IID split seeded by --shard-seed, so N clients get disjoint parts.",
        };
        var shardSeed = new Option<int>("--shard-seed")
        {
            Description = "Seed of the shard split; all clients of one federation must use the same.",
            DefaultValueFactory = _ => 42,
        };
        var heldOut = new Option<double>("--held-out")
        {
            Description = "Fraction of the local data kept aside for federated evaluation.",
            DefaultValueFactory = _ => 0.1,
        };
        var limit = new Option<int>("--limit")
        {
            Description = "Use at most this many local examples (0 = all).",
        };
        var device = new Option<string>("--device")
        {
            Description = "Where to train: auto, cpu, cuda or cuda:N.",
            DefaultValueFactory = _ => "auto",
        };
        var name = new Option<string>("--name", "-n")
        {
            Description = "Name shown in the coordinator's registry and logs.",
            DefaultValueFactory = _ => Environment.MachineName,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "CPU threads for training (0 = TorchSharp's default).",
        };
        var cache = new Option<string>("--cache")
        {
            Description = "Folder where downloaded models are kept by content hash.",
            DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "federated-model-cache"),
        };
        var topK = new Option<double>("--top-k")
        {
            Description = "Send only this fraction of each update's largest entries, carrying the rest to the next round (0 = whole updates).",
        };
        var deviceId = new Option<string?>("--device-id")
        {
            Description = "MQTT without a bundle only: this device's stable id on the broker (default: one made up once and kept in the cache folder; with a bundle, the certificate's identity).",
        };
        var maxAttempts = new Option<int>("--max-attempts")
        {
            Description = "Give up after this many failed attempts to reach the coordinator in a row (0 = keep trying).",
        };

        var sitePolicy = new Option<string?>("--site-policy")
        {
            Description = "This site's policy file (JSON: AllowedArchitectures, MaxRounds, MaxLocalEpochs, RequireSecureAggregation, RequireDifferentialPrivacy, MinNoiseMultiplier); tasks that break it are refused.",
        };
        var auditLog = new Option<string?>("--audit-log")
        {
            Description = "This site's hash-chained audit log (JSON lines; check it with 'federated-trust audit verify').",
        };
        var root = new RootCommand("Joins a Federated federation and trains on local data with TorchSharp; the data never leaves this machine.")
        {
            coordinator, bundle, passwordFile, insecure, data, labelColumn, shard, shardSeed, heldOut, limit, device, name, threads, cache, topK, deviceId, maxAttempts, sitePolicy, auditLog,
        };
        root.Validators.Add(result =>
        {
            // Validators see only what was typed (defaults are filled in later): check a given address.
            if (result.GetValue(coordinator) is { } address && !TryParseAddress(address, out _))
                result.AddError($"--coordinator '{address}' is not an https://, http://, mqtts:// or mqtt://host:port/federation address.");
            if (result.GetValue(insecure) && result.GetValue(bundle) is not null)
                result.AddError("--insecure and --bundle conflict: a bundle means mutual TLS; drop one of them.");
            if (result.GetValue(deviceId) is not null && result.GetValue(bundle) is not null)
                result.AddError("--device-id and --bundle conflict: with a bundle the device id is the certificate's identity.");
            if (result.GetValue(deviceId) is { } id && !Protocol.MqttTopics.IsValidLevel(id))
                result.AddError($"--device-id '{id}' must be 1 to 128 characters without '/', '+' or '#'.");
            if (result.GetValue(shard) is { } text && !TryParseShard(text, out _, out _))
                result.AddError($"--shard '{text}' is not of the form K/N with 1 <= K <= N.");
            if (result.GetValue(heldOut) is < 0 or >= 1)
                result.AddError("--held-out must be in [0, 1).");
            if (result.GetValue(limit) < 0) result.AddError("--limit must be 0 (all) or positive.");
            if (result.GetValue(threads) < 0) result.AddError("--threads must be 0 (default) or positive.");
            if (result.GetValue(maxAttempts) < 0) result.AddError("--max-attempts must be 0 (forever) or positive.");
            if (result.GetValue(topK) is < 0 or > 1) result.AddError("--top-k must be in [0, 1].");
        });
        root.SetAction((result, cancellationToken) =>
        {
            // The validator above already refused malformed shards.
            _ = TryParseShard(result.GetValue(shard), out int shardIndex, out int shardCount);
            _ = TryParseAddress(result.GetValue(coordinator), out var address);
            var settings = new ClientSettings(
                address, result.GetValue(bundle), result.GetValue(passwordFile), result.GetValue(insecure), result.GetValue(data)!, result.GetValue(labelColumn)!,
                shardIndex, shardCount, result.GetValue(shardSeed), result.GetValue(heldOut), result.GetValue(limit),
                result.GetValue(device)!, result.GetValue(name)!, result.GetValue(threads), result.GetValue(cache)!, result.GetValue(maxAttempts), result.GetValue(topK), result.GetValue(deviceId),
                result.GetValue(sitePolicy), result.GetValue(auditLog));
            return ClientRunner.RunAsync(settings, cancellationToken);
        });
        return root;
    }

    private static bool TryParseAddress(string? text, out Uri? address) =>
        Uri.TryCreate(text, UriKind.Absolute, out address)
        && (address.Scheme is "http" or "https" || (address.Scheme is "mqtt" or "mqtts" && Protocol.MqttTopics.IsValidLevel(address.AbsolutePath.Trim('/'))));

    /// <summary>Parses "K/N" (1-based) into a 0-based index and a count; null means the whole dataset.</summary>
    internal static bool TryParseShard(string? text, out int index, out int count)
    {
        index = 0;
        count = 1;
        if (text is null) return true;
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            || k < 1 || k > n)
            return false;
        index = k - 1;
        count = n;
        return true;
    }
}
