using System.Globalization;

namespace Federated.Client.DeviceSample;

/// <summary>The sample's command line, parsed by hand: a device binary carries no CLI framework.</summary>
internal sealed record DeviceSettings(string Host, int Port, string Federation)
{
    public string Data { get; init; } = "fashion-mnist";

    public int ShardIndex { get; init; }

    public int ShardCount { get; init; } = 1;

    public int Limit { get; init; }

    public bool LastLayerOnly { get; init; }

    public string? DeviceId { get; init; }

    public string CacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "federated-device");

    /// <summary>The device's bundle (from <c>federated-trust issue site</c>): MQTT over TLS with its certificate, which is also its device id.</summary>
    public string? Bundle { get; init; }

    /// <summary>A file whose first line is the bundle's password (else the environment variable).</summary>
    public string? PasswordFile { get; init; }

    /// <summary>Plain-text MQTT, for local development only.</summary>
    public bool Insecure { get; init; }

    /// <summary>What is wrong with the command line, or null.</summary>
    public string? Error { get; init; }

    public static DeviceSettings Parse(string[] args)
    {
        if (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            return new DeviceSettings("", 0, "") { Error = $"port '{args[1]}' is not a number between 1 and 65535" };
        var settings = new DeviceSettings(args[0], port, args[2]);
        for (int i = 3; i < args.Length; i++)
        {
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            settings = args[i] switch
            {
                "--data" => Value() is { } data ? settings with { Data = data } : Missing(settings, "--data"),
                "--device-id" => Value() is { } id ? settings with { DeviceId = id } : Missing(settings, "--device-id"),
                "--cache" => Value() is { } cache ? settings with { CacheDirectory = cache } : Missing(settings, "--cache"),
                "--limit" => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int limit) ? settings with { Limit = limit } : settings with { Error = "--limit needs a count" },
                "--shard" => ParseShard(settings, Value()),
                "--last-layer-only" => settings with { LastLayerOnly = true },
                "--bundle" => Value() is { } bundle ? settings with { Bundle = bundle } : Missing(settings, "--bundle"),
                "--password-file" => Value() is { } file ? settings with { PasswordFile = file } : Missing(settings, "--password-file"),
                "--insecure" => settings with { Insecure = true },
                _ => settings with { Error = $"unknown option '{args[i]}'" },
            };
            if (settings.Error is not null) return settings;
        }
        return settings.Conflict() is { } conflict ? settings with { Error = conflict } : settings;
    }

    /// <summary>Options that cannot go together: TLS or plain text must be chosen, and a bundle fixes the device id.</summary>
    private string? Conflict()
    {
        if (Bundle is null && !Insecure) return "give --bundle DIR (MQTT over TLS with the device's certificate) or --insecure (plain text, local development only)";
        if (Bundle is not null && Insecure) return "--bundle and --insecure conflict: a bundle means TLS";
        if (Bundle is not null && DeviceId is not null) return "--device-id conflicts with --bundle: the device id is the certificate's identity";
        if (PasswordFile is not null && Bundle is null) return "--password-file is the password of a --bundle; give the bundle too";
        return null;
    }

    private static DeviceSettings Missing(DeviceSettings settings, string option) => settings with { Error = $"{option} needs a value" };

    private static DeviceSettings ParseShard(DeviceSettings settings, string? text)
    {
        string[] parts = (text ?? "").Split('/');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && k >= 1 && k <= n
            ? settings with { ShardIndex = k - 1, ShardCount = n }
            : settings with { Error = $"--shard '{text}' is not of the form K/N with 1 <= K <= N" };
    }
}
